// What an editor shows on hover, from TypeScript's own language service over a small user file:
// records and parameters by their names (`Fax`, `GetFaxParams`), not as inline structures of
// hundreds of characters.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";

const root = new URL("../", import.meta.url).pathname;
const FILE = join(root, "hover-check.ts");
const SOURCE = `import { FaxPlus, createFaxPlus, getFax } from "faxplus-unofficial";
const fax = new FaxPlus();
export const record = await fax.waitForDelivery("id");
export const job = await fax.getOutbox("id");
export const page = await fax.listFaxPage({ category: "inbox" });
const client = createFaxPlus();
export const one = await getFax(client, { fax_id: "x" });
`;

let service: ts.LanguageService;

beforeAll(() => {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    skipLibCheck: true,
    lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
    types: [],
    paths: { "faxplus-unofficial": [join(root, "src/index.ts")] },
  };
  const host: ts.LanguageServiceHost = {
    getScriptFileNames: () => [FILE],
    getScriptVersion: () => "1",
    getScriptSnapshot: (name) => {
      const text = name === FILE ? SOURCE : ts.sys.readFile(name);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => root,
    getCompilationSettings: () => options,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (name) => name === FILE || ts.sys.fileExists(name),
    readFile: (name) => (name === FILE ? SOURCE : ts.sys.readFile(name)),
  };
  service = ts.createLanguageService(host);
  // The user file must type-check: a hover over an error type would prove nothing.
  const errors = service
    .getSemanticDiagnostics(FILE)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  expect(errors).toEqual([]);
}, 60_000);

/** The hover text at the first occurrence of `word` (after `after`, when given). */
function hover(word: string, after = ""): string {
  const position = SOURCE.indexOf(word, SOURCE.indexOf(after) + after.length);
  const info = service.getQuickInfoAtPosition(FILE, position);
  return ts.displayPartsToString(info?.displayParts);
}

describe("hovers show names", () => {
  it.each([
    ["record", "const record: Fax"],
    ["job", "const job: Outbox"],
    ["page", "const page: FaxPage"],
    ["one", "const one: Fax"],
  ])("%s", (word, expected) => {
    expect(hover(word)).toBe(expected);
  });

  it("a helper's signature names its options and its data", () => {
    const text = hover("waitForDelivery");
    expect(text).toContain("options?: WaitForDeliveryOptions");
    expect(text).toContain("ApiPromise<Fax>");
    expect(text.length).toBeLessThan(200);
  });

  it("a standalone operation shows its client, its named parameters and its data", () => {
    const text = hover("getFax", "const client");
    expect(text).toContain(
      "getFax(client: FaxPlusCore, params: GetFaxParams, options?: RequestOptions): ApiPromise<Fax>",
    );
  });

  it("the named types are exported, from generated/types.ts", () => {
    const types = readFileSync(join(root, "generated/types.ts"), "utf8");
    for (const name of ["Fax", "Outbox", "Account", "FaxNumber", "GetFaxParams"]) {
      expect(types).toMatch(new RegExp(`export (interface|type) ${name}\\b`));
    }
  });
});
