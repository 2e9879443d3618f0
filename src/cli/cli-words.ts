/**
 * The libraries speak to programmers ("pass it as { token }", "check it against listSystems()");
 * a CLI user types commands and flags. Each rule below rewrites one library phrase into what the
 * CLI user does instead. The library messages stay as they are: this is applied where the CLI
 * prints them (errors, plan notes, constraint details).
 */
const RULES: readonly (readonly [RegExp, string])[] = [
  // Amber token help.
  [
    / and pass it as \{ token \} \(AMBER_TOKEN in the examples\)/g,
    ', then set it with "openpower config init --amber-token psk_..." (or OPENPOWER_AMBER_TOKEN)',
  ],
  [
    /Pass \{ site \}, use amber\.forSite\(id\), or await amber\.forActiveSite\(\)/g,
    'Set amber.site ("openpower config init --amber-site <id>") or pass --site <id>',
  ],
  [/\bsee listSites\(\)/g, 'see "openpower amber list-sites"'],
  [/\bwith listSites\(\)/g, 'with "openpower amber list-sites"'],
  // AlphaESS.
  [/check it against listSystems\(\)/g, 'check it against "openpower alphaess list-systems"'],
  [
    /pass \{ serialNumber \}, set serialNumber in the constructor, or use forDevice\(serialNumber\)/g,
    "pass --serial <sn> or set alphaess.serial",
  ],
  // GoodWe battery plans: the intent words, not the schedule's fields.
  [/Set discharge\.timeControl to false\./g, 'Say "discharge anytime" instead of discharge windows.'],
  [/\(discharge\.timeControl must be false\)/g, '(say "discharge anytime" instead of discharge windows)'],
  [/charge\.fromGrid must be true when there are charge windows/g, 'charge windows cannot be "from solar" only (leave out "from solar")'],
  [/\(syncClock\)/g, '("openpower goodwe sync-clock")'],
  [/use GoodWeInverter\.connect\(\) to detect it/g, "leave goodwe.family empty to detect it"],
];

/** A library message in the CLI's words. */
export function cliWords(text: string): string {
  let out = text;
  for (const [pattern, replacement] of RULES) out = out.replace(pattern, replacement);
  return out;
}
