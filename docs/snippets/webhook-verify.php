<?php
// Checks a webhook from ekyc-gate.
//   EKYC_WEBHOOK_KEY=... php webhook-verify.php "$SIGNATURE" < body.json
// Prints ok when SIGNATURE (the EKYC-Signature header) signs the body on standard input and is at
// most 5 minutes old; otherwise exits 1. In a web app:
//   verify_webhook($key, $_SERVER['HTTP_EKYC_SIGNATURE'] ?? '', file_get_contents('php://input'))
// before parsing the body, and answer 2xx once the event is stored: ekyc-gate sends anything else again.

const WEBHOOK_TOLERANCE = 300; // seconds between the signature's time and ours

// $header is "t=UNIX,v1=HEX" (more v1 during a key change), HEX = HMAC-SHA256($key, t . "." . $body).
function verify_webhook(string $key, string $header, string $body, ?int $now = null): bool
{
    $t = null;
    $signatures = [];
    foreach (explode(',', $header) as $field) {
        [$name, $value] = array_pad(explode('=', trim($field), 2), 2, '');
        if ($name === 't') {
            if ($t !== null || !ctype_digit($value) || strlen($value) > 12) {
                return false;
            }
            $t = $value;
        } elseif ($name === 'v1') {
            $signatures[] = strtolower($value);
        }
    }
    if ($t === null || !$signatures) {
        return false;
    }
    $expected = hash_hmac('sha256', "$t.$body", $key);
    $matched = false;
    foreach ($signatures as $signature) {
        // hash_equals takes as long whichever byte differs, so a signature cannot be guessed bytewise.
        $matched = hash_equals($expected, $signature) || $matched;
    }
    return $matched && abs(($now ?? time()) - (int) $t) <= WEBHOOK_TOLERANCE;
}

if (PHP_SAPI === 'cli' && realpath($argv[0]) === __FILE__) {
    if ($argc !== 2) {
        fwrite(STDERR, "usage: EKYC_WEBHOOK_KEY=... php webhook-verify.php SIGNATURE < body\n");
        exit(2);
    }
    if (!verify_webhook((string) getenv('EKYC_WEBHOOK_KEY'), $argv[1], stream_get_contents(STDIN))) {
        fwrite(STDERR, "invalid or stale signature\n");
        exit(1);
    }
    echo "ok\n";
}
