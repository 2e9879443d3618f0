import { readFileSync } from "node:fs";

/**
 * A `.env` file: `KEY=value` lines, optional `export `, `#` comments, single quotes (literal),
 * double quotes (with \n, \t, \" and \\ escapes) or bare values (a ` #` starts a comment).
 */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "" || line.startsWith("#")) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    const key = match[1]!;
    let value = match[2]!;
    if (value.startsWith('"')) {
      // A double-quoted value may span lines.
      let body = value.slice(1);
      while (!/(^|[^\\])(\\\\)*"/.test(body) && i + 1 < lines.length) body += `\n${lines[++i]!}`;
      const end = closingQuote(body);
      value = body
        .slice(0, end < 0 ? undefined : end)
        .replace(/\\(["\\nrt])/g, (_m, ch: string) => ({ n: "\n", r: "\r", t: "\t" })[ch] ?? ch);
    } else if (value.startsWith("'")) {
      const end = value.indexOf("'", 1);
      value = value.slice(1, end < 0 ? undefined : end);
    } else {
      const hash = value.search(/\s#/);
      value = (hash >= 0 ? value.slice(0, hash) : value).trim();
    }
    out[key] = value;
  }
  return out;
}

function closingQuote(body: string): number {
  for (let i = 0; i < body.length; i++) {
    if (body[i] === "\\") i++;
    else if (body[i] === '"') return i;
  }
  return -1;
}

/**
 * Reads a `.env` file: the variables, never put into `process.env`; null when the file does not
 * exist (other read errors propagate). The one `.env` reader of the project (the CLI's `--dotenv`
 * and the PowerTrack credentials file).
 */
export function readEnvFile(path: string): Record<string, string> | null {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  return parseDotenv(text);
}
