// The RedirectURL page: the eKYC page sends the browser here with ?token=<BizToken>. We ask our
// own server (/ekyc/callback, same origin, session cookie) for the result, wait while it is
// pending, and show the verdict. Untrusted text only ever goes in through textContent.
"use strict";

const GIVE_UP_AFTER_MS = 10 * 60 * 1000; // the eKYC start window; after it a token cannot finish
const startedAt = Date.now();

const $ = (id) => document.getElementById(id);

function show(kind, verdict, reason) {
  const el = $("verdict");
  el.className = "verdict " + kind;
  el.textContent = verdict;
  $("reason").textContent = reason || "";
}

function codeText(code, msg) {
  if (code === null || code === undefined) return msg || "";
  return (msg ? msg + " " : "") + "(code " + code + ")";
}

function hasSimilarity(attempt) {
  return typeof attempt.similarity === "number" && attempt.similarity > 0;
}

function showAttempts(attempts) {
  const body = $("attempts");
  body.replaceChildren();
  body.closest("table").classList.toggle("no-similarity", !attempts.some(hasSimilarity));
  attempts.forEach((a, i) => {
    const row = document.createElement("tr");
    const similarity = hasSimilarity(a) ? a.similarity.toFixed(1) : "–";
    const at = a.at ? new Date(a.at).toLocaleString() : "–";
    // Code 0's message is worded for the eKYC page ("tap next to continue"), not for this one.
    const result = a.errorCode === 0 ? "Passed" : codeText(a.errorCode, a.errorMsg);
    for (const text of [String(i + 1), result, similarity, at]) {
      const cell = document.createElement("td");
      cell.textContent = text;
      row.appendChild(cell);
    }
    body.appendChild(row);
  });
  $("details").hidden = attempts.length === 0;
}

function showResult(result) {
  if (result.status === "passed") {
    show("passed", "✔ You are verified", "Thank you. You can continue with your order.");
  } else if (result.status === "expired") {
    show("expired", "This verification has expired", "Please start a new one.");
    $("again").hidden = false;
  } else {
    const compared = (result.attempts || []).filter(hasSimilarity);
    const similarity = result.reason === "comparison" && compared.length
      ? " Your selfie matched the photo at " + compared[compared.length - 1].similarity.toFixed(1) + "%." : "";
    show("failed", "✘ We could not verify you", codeText(result.errorCode, result.errorMsg) + similarity);
    $("again").hidden = false;
  }
  showAttempts(Array.isArray(result.attempts) ? result.attempts : []);
  $("extra").textContent = result.extra ? "Reference: " + result.extra : "";
  if (result.requestId) $("support").textContent = "Support reference: " + result.requestId;
}

function retryAfterMs(response) {
  const seconds = parseInt(response.headers.get("Retry-After") || "", 10);
  return Math.min(Math.max(Number.isFinite(seconds) ? seconds : 2, 1), 30) * 1000;
}

async function check(token) {
  let response, body;
  try {
    response = await fetch("/ekyc/callback?token=" + encodeURIComponent(token), {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json" },
    });
    body = await response.json();
  } catch (err) {
    show("error", "Cannot reach the shop", "Check your connection; retrying…");
    return later(token, 3000);
  }

  if (response.status === 202 || body.status === "pending") {
    show("pending", "Waiting for the result…", "Your verification is still being processed.");
    return later(token, retryAfterMs(response));
  }
  if (response.ok) return showResult(body);

  const error = body.error || {};
  if (response.status === 429 || response.status === 503) {
    show("pending", "Busy, retrying…", error.message || "");
    return later(token, retryAfterMs(response));
  }
  const reasons = {
    400: "The link is not valid.",
    403: "This verification was started in another browser. Open the result there, or start again.",
    404: "We do not know this verification. Please start again.",
  };
  show("error", "Cannot show this verification", reasons[response.status] || error.message || "Please try again later.");
  if (error.requestId) $("support").textContent = "Support reference: " + error.requestId;
  $("again").hidden = false;
}

function later(token, ms) {
  if (Date.now() - startedAt > GIVE_UP_AFTER_MS) {
    show("pending", "Still no result", "Reload this page in a few minutes to check again.");
    return;
  }
  setTimeout(() => check(token), ms);
}

const token = new URLSearchParams(location.search).get("token");
if (token) {
  check(token);
} else {
  show("error", "No verification to show", "This page is opened by the verification flow.");
  $("again").hidden = false;
}
