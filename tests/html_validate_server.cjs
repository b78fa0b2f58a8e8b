"use strict";
// html-validate kept running for a whole test process: one JSON line in ({"name", "html"}), one
// JSON line out (that document's messages). Starting the command line tool costs about a second of
// CPU a page; this costs it once. Used by tests/helpers.py, with the project's .htmlvalidate.json.
const fs = require("node:fs");
const readline = require("node:readline");
const { HtmlValidate, StaticConfigLoader } = require("html-validate");

const config = JSON.parse(fs.readFileSync(process.argv[2], "utf-8"));
const htmlvalidate = new HtmlValidate(new StaticConfigLoader(config));
const lines = readline.createInterface({ input: process.stdin });
let queue = Promise.resolve();
lines.on("line", (line) => {
  // One document at a time, answered in the order asked.
  queue = queue.then(async () => {
    const { name, html } = JSON.parse(line);
    const report = await htmlvalidate.validateString(html, name);
    process.stdout.write(JSON.stringify(report.results.flatMap((result) => result.messages)) + "\n");
  });
});
