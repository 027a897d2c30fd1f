// Mock servers for one test file: `start` starts one (with the file's default options under the
// test's own), and every server started in a test is closed after it.
import { afterEach } from "vitest";
import { startMockServer, type MockServer, type MockServerOptions } from "../../src/mock/index.js";

export function mockServers(
  defaults: MockServerOptions = {},
): (options?: MockServerOptions) => Promise<MockServer> {
  const servers: MockServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  return async (options = {}) => {
    const server = await startMockServer({ ...defaults, ...options });
    servers.push(server);
    return server;
  };
}
