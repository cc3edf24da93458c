#!/usr/bin/env node
// Signed links for ekyc-gate.
//   EKYC_LINK_KEY=... node signed-link.js start-link REF [EXP]     a start link for the browser
//   EKYC_LINK_KEY=... node signed-link.js result-read TOKEN [EXP]  a result read for your backend
// EXP is a Unix time (default: 5 minutes from now). Prints the path and query to put after your
// site's address.
const crypto = require("crypto");

const PATHS = { "start-link": ["/ekyc/start", "ref"], "result-read": ["/ekyc/callback", "token"] };

function signedLink(key, kind, value, exp) {
  // The kind is signed too, so a signature made for one kind is never valid as the other.
  const [path, name] = PATHS[kind];
  const sig = crypto.createHmac("sha256", key).update(`${kind}\n${value}\n${exp}`).digest("hex");
  return `${path}?${name}=${encodeURIComponent(value)}&exp=${exp}&sig=${sig}`;
}

if (require.main === module) {
  const [kind, value, exp] = process.argv.slice(2);
  if (!Object.hasOwn(PATHS, kind) || value === undefined || process.argv.length > 5) {
    console.error("usage: node signed-link.js start-link REF [EXP] | result-read TOKEN [EXP]");
    process.exit(2);
  }
  const expires = exp === undefined ? Math.floor(Date.now() / 1000) + 300 : parseInt(exp, 10);
  console.log(signedLink(process.env.EKYC_LINK_KEY, kind, value, expires));
}

module.exports = { signedLink };
