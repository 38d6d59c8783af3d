// The sign-in link `rclone authorize` prints: a page of rclone's own on loopback. It is the one
// plain-http link the window may hand to the system browser.
const AUTH_LINK = /^http:\/\/127\.0\.0\.1:\d{1,5}\/auth\?state=[A-Za-z0-9_\-.~%]+$/;

// True for exactly rclone's local sign-in link (nothing else on http is opened).
export function isAuthorizeLink(url: string): boolean {
  return AUTH_LINK.test(url);
}
