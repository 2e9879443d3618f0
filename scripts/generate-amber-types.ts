/**
 * Regenerates `src/amber/wire/openapi.ts` from Amber's OpenAPI contract (`specs/amber-openapi.yaml`,
 * contract 2.0.0) with openapi-typescript. Run: `npx tsx scripts/generate-amber-types.ts`
 * (`npm run generate:amber`). `src/amber/wire/openapi.test.ts` regenerates in memory and fails
 * when the committed file differs, so the wire types cannot drift from the contract unnoticed.
 */
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import openapiTS, { astToString, COMMENT_HEADER } from "openapi-typescript";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const AMBER_SPEC_PATH = join(root, "specs", "amber-openapi.yaml");
export const AMBER_TYPES_PATH = join(root, "src", "amber", "wire", "openapi.ts");

const BANNER =
  "// Generated from specs/amber-openapi.yaml (Amber Electric public API, contract 2.0.0) by\n" +
  "// scripts/generate-amber-types.ts. Do not edit: change the contract and run `npm run generate:amber`.\n\n";

/** The generated TypeScript source for the contract, exactly as it should be committed. */
export async function generateAmberTypes(): Promise<string> {
  const yaml = await readFile(AMBER_SPEC_PATH, "utf8");
  const ast = await openapiTS(yaml, { silent: true });
  return COMMENT_HEADER + BANNER + astToString(ast);
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  const source = await generateAmberTypes();
  await writeFile(AMBER_TYPES_PATH, source);
  console.log(`Wrote ${AMBER_TYPES_PATH} (${source.length} characters).`);
}
