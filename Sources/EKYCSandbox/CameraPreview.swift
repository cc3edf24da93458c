/// The camera preview of the outcome step: the markup and the one inline script of the page.
///
/// The preview is only for show. The stream goes from `getUserMedia` into a `<video>` and nowhere
/// else: nothing is drawn, recorded or sent. The camera starts only on a tap (after the privacy
/// consent when the page asks for it there) and its tracks are stopped when the tester turns it
/// off, submits an outcome or leaves the page. Where there can be no preview (no camera API, not a
/// secure context, permission denied, no camera), the page says why in its language; the outcome
/// forms never depend on the script, so the page works the same without JavaScript.
enum CameraPreview {
    /// The markup; the script finds it by id and reads its words from the `data-` attributes, so the
    /// script itself is one constant text (its hash goes into the page's Content-Security-Policy).
    static func markup(_ text: PageText.CameraText) -> String {
        let e = HTML.escape
        let messages = [
            ("turn-on", text.turnOn), ("turn-off", text.turnOff), ("unsupported", text.unsupported),
            ("insecure", text.insecure), ("denied", text.denied), ("missing", text.missing), ("failed", text.failed),
        ].map { " data-\($0.0)=\"\(e($0.1))\"" }.joined()
        return "<section class=\"camera\" id=\"camera\"\(messages)>"
            + "<video id=\"camera-preview\" muted playsinline autoplay hidden></video>"
            + "<p id=\"camera-message\" class=\"notice\" role=\"status\" hidden></p>"
            + "<noscript><p class=\"notice\">\(e(text.noScript))</p></noscript>"
            + "<button type=\"button\" id=\"camera-button\" class=\"secondary\" hidden>\(e(text.turnOn))</button>"
            + "<p class=\"camera-note\">\(e(text.staysHere))</p></section>"
    }

    /// Plain ES2017 for the browsers phones have; no external assets.
    static let script = """
        (function () {
          "use strict";
          var box = document.getElementById("camera");
          if (!box) return;
          var video = document.getElementById("camera-preview");
          var button = document.getElementById("camera-button");
          var message = document.getElementById("camera-message");
          var stream = null;
          var leaving = false;
          function say(key) {
            message.textContent = key ? box.getAttribute("data-" + key) : "";
            message.hidden = !key;
          }
          function stop() {
            if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
            stream = null;
            video.srcObject = null;
            video.hidden = true;
            button.textContent = box.getAttribute("data-turn-on");
          }
          if (window.isSecureContext === false) { say("insecure"); return; }
          if (!navigator.mediaDevices || typeof navigator.mediaDevices.getUserMedia !== "function") { say("unsupported"); return; }
          button.hidden = false;
          button.addEventListener("click", function () {
            if (stream) { stop(); return; }
            var consent = document.querySelector("input[name=consent]");
            if (consent && !consent.checked) { consent.reportValidity(); return; }
            button.disabled = true;
            say("");
            navigator.mediaDevices.getUserMedia({ video: { facingMode: "user" }, audio: false }).then(function (started) {
              button.disabled = false;
              if (leaving) { started.getTracks().forEach(function (track) { track.stop(); }); return; }
              stream = started;
              video.srcObject = started;
              video.hidden = false;
              button.textContent = box.getAttribute("data-turn-off");
              var playing = video.play();
              if (playing) playing.catch(function () {});
            }, function (error) {
              button.disabled = false;
              stop();
              var name = error && error.name;
              say(name === "NotAllowedError" || name === "SecurityError" ? "denied"
                : name === "NotFoundError" || name === "OverconstrainedError" ? "missing" : "failed");
            });
          });
          function leave() { leaving = true; stop(); }
          document.addEventListener("submit", leave);
          window.addEventListener("pagehide", leave);
          // Back to this page from the browser's cache: the camera may be turned on again.
          window.addEventListener("pageshow", function () { leaving = false; });
        })();
        """
}
