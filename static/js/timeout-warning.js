// GOV.UK timeout warning: opens a modal dialog shortly before a signed-in session ends.
// "Stay signed in" asks the server to restart the idle clock; doing nothing signs the person out
// with reason=timeout. Without JavaScript the page still says when the session will end.
// Loaded as a module from templates/accounts/timeout_warning.html (no inline script: CSP).

const ANNOUNCE_EVERY_SECONDS = 20;

function plural(root, count, singular, pluralName) {
  return `${count} ${count === 1 ? root.dataset[singular] : root.dataset[pluralName]}`;
}

function describe(root, secondsLeft) {
  if (secondsLeft >= 60) {
    const minutes = Math.ceil(secondsLeft / 60);
    return plural(root, minutes, "textMinute", "textMinutes");
  }
  return plural(root, Math.max(0, secondsLeft), "textSecond", "textSeconds");
}

function formatTime(date) {
  // GOV.UK style: 3:42pm, in the visitor's own time zone.
  const hours = date.getHours();
  const minutes = String(date.getMinutes()).padStart(2, "0");
  return `${hours % 12 || 12}:${minutes}${hours < 12 ? "am" : "pm"}`;
}

function start(root) {
  const dialog = root.querySelector("dialog");
  if (!dialog || typeof dialog.showModal !== "function") {
    return; // The notice on the page still tells the time.
  }
  const countdown = root.querySelector(".app-timeout-warning__countdown");
  const announcement = root.querySelector(".app-timeout-warning__announcement");
  const keepAliveButton = root.querySelector(".app-timeout-warning__keep-alive");
  const dismissButton = root.querySelector(".app-timeout-warning__dismiss");
  const form = root.querySelector(".app-timeout-warning__form");
  const reason = root.querySelector(".app-timeout-warning__reason");
  const time = root.querySelector(".app-timeout-warning__time");
  const warningMs = Number(root.dataset.warningSeconds) * 1000;

  let deadline = Date.now() + Number(root.dataset.secondsLeft) * 1000;
  let byAbsoluteLimit = root.dataset.byAbsoluteLimit === "true";
  let warnTimer = null;
  let tickTimer = null;
  let lastAnnounced = null;
  let signingOut = false;
  let dismissed = false;

  const secondsLeft = () => Math.max(0, Math.ceil((deadline - Date.now()) / 1000));

  function signOut() {
    if (signingOut) return;
    signingOut = true;
    reason.value = "timeout";
    form.submit();
  }

  function tick() {
    const left = secondsLeft();
    if (left <= 0) {
      signOut();
      return;
    }
    countdown.textContent = describe(root, left);
    const bucket = Math.ceil(left / ANNOUNCE_EVERY_SECONDS);
    if (bucket !== lastAnnounced) {
      // Screen readers hear the time left now and then, not every second.
      if (lastAnnounced !== null) {
        announcement.textContent = `${root.dataset.textAnnouncement} ${describe(root, left)}.`;
      }
      lastAnnounced = bucket;
    }
  }

  function open() {
    if (dialog.open) return;
    // A class, not the hidden attribute: .govuk-button's display would override [hidden].
    keepAliveButton.classList.toggle("govuk-!-display-none", byAbsoluteLimit);
    dismissButton.classList.toggle("govuk-!-display-none", !byAbsoluteLimit);
    lastAnnounced = null;
    tick();
    dialog.showModal();
    tickTimer = window.setInterval(tick, 1000);
  }

  function close() {
    window.clearInterval(tickTimer);
    tickTimer = null;
    if (dialog.open) dialog.close();
  }

  function schedule() {
    window.clearTimeout(warnTimer);
    const untilWarning = deadline - warningMs - Date.now();
    if (untilWarning <= 0) {
      open();
    } else {
      warnTimer = window.setTimeout(open, untilWarning);
    }
  }

  async function keepAlive() {
    const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    let response;
    try {
      response = await fetch(root.dataset.keepAliveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": token, Accept: "application/json" },
      });
    } catch {
      return; // Offline: leave the dialog open, the countdown carries on.
    }
    if (!response.ok) {
      window.location.assign(root.dataset.signedOutUrl);
      return;
    }
    const body = await response.json();
    deadline = Date.now() + body.seconds_left * 1000;
    byAbsoluteLimit = body.by_absolute_limit;
    if (time) {
      time.textContent = formatTime(new Date(body.ends_at));
      time.setAttribute("datetime", body.ends_at);
    }
    close();
    schedule();
  }

  keepAliveButton.addEventListener("click", keepAlive);
  dismissButton.addEventListener("click", () => {
    // Nothing can extend a session at its 12-hour limit: let the person finish, then sign out.
    dismissed = true;
    close();
    window.clearTimeout(warnTimer);
    warnTimer = window.setTimeout(signOut, Math.max(0, deadline - Date.now()));
  });
  dialog.addEventListener("cancel", (event) => {
    // Escape means "I'm still here".
    event.preventDefault();
    if (byAbsoluteLimit) {
      dismissButton.click();
    } else {
      keepAlive();
    }
  });
  document.addEventListener("visibilitychange", () => {
    // Background tabs get their timers slowed; catch up when the person comes back.
    if (document.visibilityState === "visible" && !signingOut) {
      if (secondsLeft() <= 0) {
        signOut();
      } else if (!dialog.open && !dismissed) {
        schedule();
      }
    }
  });
  schedule();
  // Lets a test (or a curious person in the inspector) see that the timers are running.
  root.setAttribute("data-timeout-warning-started", "");
}

document.querySelectorAll('[data-module="app-timeout-warning"]').forEach(start);
