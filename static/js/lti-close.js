// LTI Dynamic Registration: tell the LMS that registration is done (it closes its
// dialog). The page says the same in words for browsers without JavaScript.
const target = window.opener || window.parent;
if (target && target !== window) {
  target.postMessage({ subject: "org.imsglobal.lti.close" }, "*");
}
