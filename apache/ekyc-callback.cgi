#!/bin/sh
# What Apache runs for /ekyc/callback and /ekyc/status under mod_fcgid or CGI (docs/OPERATIONS.md, "Apache"). suEXEC
# starts this file as its owner with a cleaned environment (no EKYC_CONFIG), so the config file is
# an argument. One worker: mod_fcgid and CGI hand a process one request at a time; mod_fcgid
# starts more processes when more requests wait.
exec /usr/local/bin/ekyc-callback --config /etc/ekyc/ekyc.conf --workers 1
