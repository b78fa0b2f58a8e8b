// The quick exit on call-for-evidence pages. Without JavaScript the button is a plain link to a
// neutral site. With it, leaving replaces this page in the tab's history (location.replace), so
// the back button does not bring it back, and pressing Shift three times leaves too, as GOV.UK's
// "Exit this page" component does. Not GOV.UK's own script: that sets location.href, which keeps
// the page in the history.
const PRESSES = 3;
const WITHIN_MS = 5000;

for (const button of document.querySelectorAll("[data-quick-exit]")) {
  const leave = (event) => {
    if (event) event.preventDefault();
    window.location.replace(button.getAttribute("href"));
  };
  button.addEventListener("click", leave);

  let presses = 0;
  let timer = null;
  document.addEventListener("keyup", (event) => {
    if (event.key !== "Shift") {
      presses = 0;
      return;
    }
    presses += 1;
    clearTimeout(timer);
    timer = setTimeout(() => {
      presses = 0;
    }, WITHIN_MS);
    if (presses >= PRESSES) leave(null);
  });
}
