#!/usr/bin/env node
// The EKYC-Signature header of a request from your backend to ekyc-gate.
//   EKYC_LINK_KEY=... node backend-request.js METHOD PATH [BODY_FILE] [T]
// METHOD and PATH as sent (POST /ekyc/verifications, GET /ekyc/verifications/ID); BODY_FILE the
// exact body bytes (none for a GET); T a Unix time (default: now). Prints the header's value.
const crypto = require("crypto");
const fs = require("fs");

function backendSignature(key, method, path, body, t) {
  // The label, method, path, time and body hash are all signed: the signature is good for
  // this one request, within 5 minutes of T, and for nothing else signed with the same key.
  const bodyHash = crypto.createHash("sha256").update(body).digest("hex");
  const message = `backend-request\n${method}\n${path}\n${t}\n${bodyHash}`;
  return `t=${t},v1=${crypto.createHmac("sha256", key).update(message).digest("hex")}`;
}

if (require.main === module) {
  const [method, path, bodyFile, t] = process.argv.slice(2);
  if (path === undefined || process.argv.length > 6) {
    console.error("usage: node backend-request.js METHOD PATH [BODY_FILE] [T]");
    process.exit(2);
  }
  const body = bodyFile ? fs.readFileSync(bodyFile) : Buffer.alloc(0);
  const time = t === undefined ? Math.floor(Date.now() / 1000) : parseInt(t, 10);
  console.log(backendSignature(process.env.EKYC_LINK_KEY, method, path, body, time));
}

module.exports = { backendSignature };
