import type { TestUser } from "./users";

const escape = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const style = `body{font:16px/1.5 system-ui,sans-serif;background:#f4f5f7;color:#1c1e21;margin:0;padding:48px 16px}
main{max-width:440px;margin:0 auto;background:#fff;border-radius:12px;box-shadow:0 1px 3px #0002;padding:28px}
h1{font-size:1.3rem;margin:0 0 4px}p{color:#555;margin:0 0 20px}form{margin:0}
button.user{display:block;width:100%;text-align:left;border:1px solid #d0d4da;background:#fff;border-radius:8px;padding:10px 14px;margin:0 0 10px;cursor:pointer;font:inherit}
button.user:hover{border-color:#4f46e5;background:#f5f5ff}button.user small{display:block;color:#666}
fieldset{border:1px solid #d0d4da;border-radius:8px;margin:0 0 16px;padding:8px 14px}fieldset label{display:block;margin:4px 0}
fieldset input[type=number]{width:4em}fieldset small{color:#666}button.link{border:0;background:none;color:#4f46e5;cursor:pointer;font:inherit;padding:0}.tag{font-size:.75rem;color:#4f46e5;font-weight:600;letter-spacing:.04em}`;

/** Every page of the stand-in shares this frame, which says plainly that it is not the real UniAuth. */
export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escape(title)} · local UniAuth</title><style>${style}</style></head>
<body><main><div class="tag">LOCAL UNIAUTH STAND-IN · DEVELOPMENT ONLY</div>${body}</main></body></html>`;
}

const describe = (user: TestUser) =>
  `${user.email_verified ? "" : "email NOT verified · "}groups: ${escape(user.groups.join(", ") || "none")}`;

/** The picker: a test user, with or without MFA (checked when the app asks for it), signed in now or earlier. */
export function signInPage(uid: string, clientName: string, users: TestUser[], { mfaRequested }: { mfaRequested: boolean }): string {
  const buttons = users
    .map(
      (user) => `<button class="user" type="submit" name="user" value="${escape(user.id)}">
<strong>${escape(user.name)}</strong> · ${escape(user.email)}<small>${describe(user)}</small></button>`,
    )
    .join("");
  return page(
    "Sign in",
    `<h1>Sign in to ${escape(clientName)}</h1><p>Pick a test user. No password: this is the local stand-in.</p>
<form method="post" action="/interaction/${escape(uid)}/login">
<fieldset><legend>How you sign in</legend>
<label><input type="checkbox" name="mfa" value="yes"${mfaRequested ? " checked" : ""}> With MFA (password and a one-time code)</label>
<label>Signed in <input type="number" name="minutesAgo" value="0" min="0" max="1440" inputmode="numeric"> minutes ago
<small>(to try step-up without waiting)</small></label></fieldset>${buttons}</form>
<form method="post" action="/interaction/${escape(uid)}/abort"><button class="link" type="submit">Cancel</button></form>`,
  );
}

export function messagePage(title: string, message: string): string {
  return page(title, `<h1>${escape(title)}</h1><p>${escape(message)}</p>`);
}

export function homePage(endSessionPath: string): string {
  return page(
    "Home",
    `<h1>Local UniAuth</h1><p>Signing out here ends your UniAuth session and sends a back-channel logout token to
every app you signed in to, as the real UniAuth does: watch the app sign you out on your next click.</p>
<p><a class="user" href="${escape(endSessionPath)}">Sign out of UniAuth</a></p>`,
  );
}
