#!/usr/bin/env node
// The `openpower` command. Kept tiny so that `openpower --help` starts fast: command
// implementations are imported only when they run (see program.ts).
import { main } from "./program.js";
import { exitQuietlyOnClosedPipe } from "./io.js";

exitQuietlyOnClosedPipe(process.stdout);
exitQuietlyOnClosedPipe(process.stderr);
const code = await main(process.argv.slice(2));
process.exitCode = code;
// Keep-alive sockets or a stray timer must not keep a finished command alive.
setTimeout(() => process.exit(code), 250).unref();
