// Loaded as a module, so browsers too old for GOV.UK Frontend never run it and keep the
// plain server-rendered pages. The body-class snippet in base.html does the same check.
import { initAll } from "../dist/govuk/govuk-frontend.min.js";

initAll();
