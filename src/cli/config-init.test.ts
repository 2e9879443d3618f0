import { readFileSync, statSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "./program.js";
import { fakeIo } from "./test-support/fake-io.js";
import { tempHome, type TempHome } from "./test-support/run-cli.js";

// `config init` on a terminal: the questions, typed answers, and the file they produce.

let home: TempHome;
beforeEach(() => {
  home = tempHome();
});
afterEach(() => home.cleanup());

/** Starts `openpower <args>` on a fake terminal; `answer` waits for a question, then types. */
function onTerminal(args: string[]) {
  const f = fakeIo({ env: home.env, tty: true });
  const done = main(args, f.io);
  let asked = 0;
  return {
    f,
    done,
    async answer(question: RegExp, keys: string) {
      for (let i = 0; i < 400 && !question.test(f.stderr().slice(asked)); i++) await new Promise((r) => setTimeout(r, 10));
      expect(f.stderr().slice(asked)).toMatch(question);
      asked = f.stderr().length;
      f.type(keys);
    },
  };
}

describe("config init on a terminal", () => {
  it("asks which vendors, then each setting (secrets not echoed), and writes a 0600 file", async () => {
    const token = "psk_typed_on_a_terminal_0042";
    const run = onTerminal(["config", "init"]);
    // The vendor list: alphaess, amber, goodwe, powertrack; pick amber.
    await run.answer(/Which vendors do you use\?/, "\u001b[B");
    await run.answer(/Amber/, " ");
    await run.answer(/Amber Electric/, "\r"); // the list redrawn with Amber picked
    await run.answer(/Amber Electric: API token/, `${token}\r`);
    await run.answer(/Amber Electric: site id/, "\r");
    expect(await run.done).toBe(0);
    expect(run.f.stderr()).not.toContain(token);
    expect(statSync(home.configFile).mode & 0o777).toBe(0o600);
    const text = readFileSync(home.configFile, "utf8");
    expect(text).toContain(`token = "${token}"`);
    expect(text).not.toMatch(/^site|^\[(alphaess|goodwe|powertrack)\]/m);

    // Again: the secret is offered masked, and Enter keeps it.
    const again = onTerminal(["config", "init", "--vendors", "amber"]);
    await again.answer(/Amber Electric: API token .*\(Enter keeps \*+0042\)/, "\r");
    await again.answer(/Amber Electric: site id/, "01SITE\r");
    expect(await again.done).toBe(0);
    expect(readFileSync(home.configFile, "utf8")).toMatch(new RegExp(`token = "${token}"[\\s\\S]*site = "01SITE"`));
  });
});
