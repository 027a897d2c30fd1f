// faxplus-unofficial in a browser: list the inbox, send a note plus one of its faxes to a number.
import { ApiError, FaxPlus, ValidationError, type FaxRecord } from "faxplus-unofficial";

// Where the API is. By default a same-origin path that your backend proxies to
// https://restapi.fax.plus/v3 (in development the Vite dev server does, see vite.config.ts).
// `?api=<API root>` points the page elsewhere, e.g. at a mock: ?api=http://127.0.0.1:4010/v3
// (the mock answers CORS preflights; the real API is meant to be called from your backend).
const baseUrl = new URLSearchParams(location.search).get("api") ?? "/api/faxplus";

const fax = new FaxPlus({
  baseUrl,
  // The token FUNCTION form: called before every request, so it can refresh or fetch a token.
  // Never put a Fax.Plus personal access token in browser code: anyone can read it from the page.
  // Keep it on your backend, and have the page send a token of your own app's session, e.g.
  //   token: async () => (await fetch("/session-token")).text(),
  // which the proxy checks and replaces with the real token. The demo returns a fixed one.
  token: async () => "demo-session",
});

const status = element("#status", HTMLElement);
const rows = element("#faxes tbody", HTMLTableSectionElement);
const form = element("#send", HTMLFormElement);
const choice = element("select[name=fax]", HTMLSelectElement);
const button = element("button[type=submit]", HTMLButtonElement);
const result = element("#result", HTMLElement);

async function listInbox(): Promise<FaxRecord[]> {
  const page = await fax.listFaxPage({ category: "inbox", limit: 10 });
  return page.records;
}

function showInbox(faxes: FaxRecord[]): void {
  rows.replaceChildren(
    ...faxes.map((record) => {
      const row = document.createElement("tr");
      const cells = [record.id, record.from ?? record.from_number ?? "", record.pages];
      cells.push(record.start_time ?? "");
      for (const value of cells) {
        const cell = row.insertCell();
        cell.textContent = String(value);
      }
      row.cells[0]?.replaceChildren(code(record.id));
      return row;
    }),
  );
  choice.replaceChildren(
    ...faxes.map((record) => new Option(`${record.id} (${pages(record.pages)})`, record.id)),
  );
  status.textContent = `${faxes.length} faxes in the inbox.`;
  button.disabled = faxes.length === 0;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const data = new FormData(form);
  const from = String(data.get("from"));
  const to = String(data.get("to"));
  const note = String(data.get("note")).trim();
  button.disabled = true;
  result.className = "";
  result.textContent = "Sending…";
  fax
    .send({
      from,
      to: [to],
      // Documents to upload go in `files` (Blobs or Files: send uploads them first); they are
      // faxed before the document of `from_fax`, an existing fax of the account.
      ...(note ? { files: [new File([note], "note.txt", { type: "text/plain" })] } : {}),
      from_fax: { fax_id: String(data.get("fax")) },
    })
    .then(({ ids }) => {
      result.textContent = `Sent: fax id ${ids[to] ?? "(none returned)"} to ${to}`;
    })
    .catch((error: unknown) => showError(error))
    .finally(() => (button.disabled = false));
});

function showError(error: unknown): void {
  result.className = "error";
  if (error instanceof ValidationError) {
    result.textContent = `Not sent: ${error.message}`;
  } else if (error instanceof ApiError) {
    result.textContent = `Not sent: the API answered ${error.status} ${error.description ?? ""}`;
  } else {
    result.textContent = `Not sent: ${String(error)}`;
  }
}

function code(text: string): HTMLElement {
  const element = document.createElement("code");
  element.textContent = text;
  return element;
}

function element<T extends Element>(selector: string, type: new () => T): T {
  const found = document.querySelector(selector);
  if (!(found instanceof type)) throw new Error(`missing ${selector}`);
  return found;
}

listInbox().then(showInbox, (error: unknown) => {
  status.textContent = "Could not load the inbox.";
  showError(error);
});

function pages(count: number): string {
  return count === 1 ? "1 page" : `${count} pages`;
}
