<?php
// The EKYC-Signature header of a request from your backend to ekyc-gate.
//   EKYC_LINK_KEY=... php backend-request.php METHOD PATH [BODY_FILE] [T]
// METHOD and PATH as sent (POST /ekyc/verifications, GET /ekyc/verifications/ID); BODY_FILE the
// exact body bytes (none for a GET); T a Unix time (default: now). Prints the header's value.

function backend_signature(string $key, string $method, string $path, string $body, int $t): string
{
    // The label, method, path, time and body hash are all signed: the signature is good for
    // this one request, within 5 minutes of T, and for nothing else signed with the same key.
    $message = "backend-request\n$method\n$path\n$t\n" . hash('sha256', $body);
    return "t=$t,v1=" . hash_hmac('sha256', $message, $key);
}

if (PHP_SAPI === 'cli' && realpath($argv[0]) === __FILE__) {
    if ($argc < 3 || $argc > 5) {
        fwrite(STDERR, "usage: php backend-request.php METHOD PATH [BODY_FILE] [T]\n");
        exit(2);
    }
    $key = getenv('EKYC_LINK_KEY');
    if ($key === false || $key === '') {
        fwrite(STDERR, "set EKYC_LINK_KEY to the link key\n");
        exit(2);
    }
    $body = $argc > 3 && $argv[3] !== '' ? file_get_contents($argv[3]) : '';
    $t = $argc > 4 ? (int) $argv[4] : time();
    echo backend_signature($key, $argv[1], $argv[2], $body, $t), "\n";
}
