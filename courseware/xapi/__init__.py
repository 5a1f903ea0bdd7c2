"""xAPI: vocabulary, statement building, the transactional outbox and delivery."""
