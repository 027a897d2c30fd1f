// faxplus-unofficial with React and TanStack Query: the inbox, and one fax by its ID. Queries go
// through openapi-react-query over `fax.throwingApi`, so a failed query's `error` is the SDK's
// error class (NotFoundError with its status, ConnectionError, ...), not a plain object.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import {
  ApiError,
  ConnectionError,
  FaxPlus,
  NotFoundError,
  type Fax,
  type FaxPlusError,
} from "faxplus-unofficial";
import createQueryClient from "openapi-react-query";
import { StrictMode, useState, type FormEvent } from "react";
import { createRoot } from "react-dom/client";

// Where the API is: a same-origin path that your backend proxies to https://restapi.fax.plus/v3
// (in development the Vite dev server does, see vite.config.ts), or `?api=<API root>`.
const baseUrl = new URLSearchParams(location.search).get("api") ?? "/api/faxplus";
// Never a Fax.Plus token in browser code: a token of your app's session, which the proxy swaps.
const fax = new FaxPlus({ baseUrl, token: async () => "demo-session" });

// fax.throwingApi is fax.api throwing the SDK's errors instead of returning `{ error }`: a non-2xx
// answer throws its ApiError subclass, an unreachable API a ConnectionError.
const $api = createQueryClient(fax.throwingApi);
// The SDK already retries what is safe to retry (see README, "Retry policy"); TanStack Query's
// own three retries would repeat each of them.
const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });

function App() {
  const [faxId, setFaxId] = useState<string>();
  return (
    <>
      <h1>Fax.Plus inbox</h1>
      <Inbox onShow={setFaxId} />
      <h2>One fax</h2>
      <FaxForm onShow={setFaxId} />
      {faxId !== undefined && <FaxDetails id={faxId} />}
    </>
  );
}

function Inbox({ onShow }: { onShow: (id: string) => void }) {
  const inbox = $api.useQuery(
    "get",
    "/accounts/{user_id}/faxes",
    { params: { path: { user_id: fax.userId }, query: { category: "inbox", limit: 10 } } },
    // The API has answered with either shape: `{ data: { records } }` or `{ records }`.
    { select: (list) => list.data?.records ?? list.records ?? [] },
  );
  if (inbox.isPending) return <p id="status">Loading the inbox…</p>;
  if (inbox.isError) return <ErrorMessage error={inbox.error} />;
  return (
    <>
      <p id="status">{inbox.data.length} faxes in the inbox.</p>
      <table id="faxes">
        <thead>
          <tr>
            <th>Fax ID</th>
            <th>From</th>
            <th>Pages</th>
            <th>Received</th>
          </tr>
        </thead>
        <tbody>
          {inbox.data.map((record) => (
            <tr key={record.id}>
              <td>
                <button type="button" onClick={() => onShow(record.id)}>
                  <code>{record.id}</code>
                </button>
              </td>
              <td>{from(record)}</td>
              <td>{record.pages}</td>
              <td>{record.start_time}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function FaxForm({ onShow }: { onShow: (id: string) => void }) {
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onShow(String(new FormData(event.currentTarget).get("fax_id")).trim());
  };
  return (
    <form onSubmit={submit}>
      <label>
        Fax ID (click one above, or type one that does not exist)
        <input name="fax_id" required />
      </label>
      <button type="submit">Show</button>
    </form>
  );
}

function FaxDetails({ id }: { id: string }) {
  const record = $api.useQuery("get", "/accounts/{user_id}/faxes/{fax_id}", {
    params: { path: { user_id: fax.userId, fax_id: id } },
  });
  if (record.isPending) return <p>Loading fax {id}…</p>;
  // record.error is typed as the SDK's FaxPlusError, which ErrorMessage takes. (Over fax.api this
  // would not compile: there the error type is the spec's `{ error?, description? }` body.)
  if (record.isError) return <ErrorMessage error={record.error} />;
  return (
    <dl id="fax">
      <dt>ID</dt>
      <dd>{record.data.id}</dd>
      <dt>From</dt>
      <dd>{from(record.data)}</dd>
      <dt>Pages</dt>
      <dd>{record.data.pages}</dd>
      <dt>Status</dt>
      <dd>{record.data.status}</dd>
    </dl>
  );
}

/** A failed query's error: the SDK's classes, told apart with instanceof. */
function ErrorMessage({ error }: { error: FaxPlusError }) {
  let text = `${error.name}: ${error.message}`;
  if (error instanceof NotFoundError) {
    text = `${error.name} ${error.status} ${error.description ?? ""}`;
  } else if (error instanceof ApiError) {
    text = `${error.name} ${error.status}: the API answered ${error.error ?? "an error"}`;
  } else if (error instanceof ConnectionError) {
    text = `${error.name} (the API is unreachable): ${error.message}`;
  }
  return <p role="alert">{text}</p>;
}

function from(record: Fax): string {
  return record.from ?? record.from_number ?? "";
}

const root = document.getElementById("root");
if (!root) throw new Error("missing #root");
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
