#!/usr/bin/env node
// Checks a webhook from ekyc-gate.
//   EKYC_WEBHOOK_KEY=... node webhook-verify.js "$SIGNATURE" < body.json
// Prints ok when SIGNATURE (the EKYC-Signature header) signs the body on standard input and is at
// most 5 minutes old; otherwise exits 1. In a web app, call verifyWebhook() with the raw body (a
// Buffer, before JSON.parse), and answer 2xx once the event is stored: ekyc-gate sends anything else again.
"use strict";
const crypto = require("crypto");

const TOLERANCE = 300; // seconds between the signature's time and ours

// header is "t=UNIX,v1=HEX" (more v1 during a key change), HEX = HMAC-SHA256(key, t + "." + body).
function verifyWebhook(key, header, body, now = Date.now() / 1000) {
  let t = null;
  const signatures = [];
  for (const field of String(header || "").split(",")) {
    const [name, value = ""] = field.trim().split(/=(.*)/s);
    if (name === "t") {
      if (t !== null || !/^[0-9]{1,12}$/.test(value)) return false;
      t = value;
    } else if (name === "v1" && /^[0-9a-fA-F]{64}$/.test(value)) {
      signatures.push(Buffer.from(value, "hex"));
    }
  }
  if (t === null || signatures.length === 0) return false;
  const expected = crypto.createHmac("sha256", key).update(t + ".").update(body).digest();
  // timingSafeEqual takes as long whichever byte differs, so a signature cannot be guessed bytewise.
  const matched = signatures.map((signature) => crypto.timingSafeEqual(signature, expected));
  return matched.includes(true) && Math.abs(now - Number(t)) <= TOLERANCE;
}

module.exports = { verifyWebhook };

if (require.main === module) {
  if (process.argv.length !== 3) {
    console.error("usage: EKYC_WEBHOOK_KEY=... node webhook-verify.js SIGNATURE < body");
    process.exit(2);
  }
  if (!verifyWebhook(process.env.EKYC_WEBHOOK_KEY, process.argv[2], require("fs").readFileSync(0))) {
    console.error("invalid or stale signature");
    process.exit(1);
  }
  console.log("ok");
}
