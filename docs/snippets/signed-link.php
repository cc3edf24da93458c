<?php
// Signed links for ekyc-gate.
//   EKYC_LINK_KEY=... php signed-link.php start-link REF [EXP]     a start link for the browser
//   EKYC_LINK_KEY=... php signed-link.php result-read TOKEN [EXP]  a result read for your backend
// EXP is a Unix time (default: 5 minutes from now). Prints the path and query to put after your
// site's address.

const SIGNED_LINK_PATHS = ['start-link' => ['/ekyc/start', 'ref'], 'result-read' => ['/ekyc/callback', 'token']];

function signed_link(string $key, string $kind, string $value, int $exp): string
{
    // The kind is signed too, so a signature made for one kind is never valid as the other.
    [$path, $name] = SIGNED_LINK_PATHS[$kind];
    $sig = hash_hmac('sha256', "$kind\n$value\n$exp", $key);
    return "$path?$name=" . rawurlencode($value) . "&exp=$exp&sig=$sig";
}

if (PHP_SAPI === 'cli' && realpath($argv[0]) === __FILE__) {
    if (!in_array($argc, [3, 4]) || !isset(SIGNED_LINK_PATHS[$argv[1]])) {
        fwrite(STDERR, "usage: php signed-link.php start-link REF [EXP] | result-read TOKEN [EXP]\n");
        exit(2);
    }
    $key = getenv('EKYC_LINK_KEY');
    if ($key === false || $key === '') {
        fwrite(STDERR, "set EKYC_LINK_KEY to the link key\n");
        exit(2);
    }
    $exp = $argc === 4 ? (int) $argv[3] : time() + 300;
    echo signed_link($key, $argv[1], $argv[2], $exp), "\n";
}
