// The dev server stands in for your backend: it starts the embedded mock API and proxies
// /api/faxplus to it. The proxy is where the real API token lives: it checks the browser's
// session token and swaps it for the API token, so the page never holds a Fax.Plus personal
// access token. In production, do the same in your backend with https://restapi.fax.plus/v3.
import { defineConfig, type ProxyOptions } from "vite";

/** Same-origin path the page calls (`baseUrl` in src/main.tsx). */
const PROXY_PATH = "/api/faxplus";
/** What the page sends: a token of your app's session, not a Fax.Plus token. */
const SESSION_TOKEN = "demo-session";
/** The Fax.Plus token; only the server side ever sees it. */
const API_TOKEN = "demo-api-token";

export default defineConfig(async ({ command }) => {
  if (command !== "serve") {
    return {
      base: "./",
      // TanStack Query marks its hooks "use client" (for React Server Components); a client-only
      // bundle has no use for it, so Rolldown's note that it drops it is left out.
      build: {
        rolldownOptions: {
          onwarn: (warning, warn) =>
            void (warning.code !== "MODULE_LEVEL_DIRECTIVE" && warn(warning)),
        },
      },
    };
  }
  const { startMockServer } = await import("faxplus-unofficial/mock");
  const mock = await startMockServer({ token: API_TOKEN });
  const api = new URL(mock.baseUrl); // http://127.0.0.1:<port>/v3
  const proxy: ProxyOptions = {
    target: api.origin,
    rewrite: (path) => api.pathname + path.slice(PROXY_PATH.length),
    configure: (server) => {
      server.on("proxyReq", (proxyReq, req) => {
        const session = req.headers.authorization === `Bearer ${SESSION_TOKEN}`;
        if (session) proxyReq.setHeader("authorization", `Bearer ${API_TOKEN}`);
        else proxyReq.removeHeader("authorization"); // the API answers 401
      });
    },
  };
  return {
    base: "./",
    server: { proxy: { [PROXY_PATH]: proxy } },
    preview: { proxy: { [PROXY_PATH]: proxy } },
    plugins: [
      {
        name: "faxplus-mock",
        configureServer: (server) => void server.httpServer?.once("close", () => mock.close()),
      },
    ],
  };
});
