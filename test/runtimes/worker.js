// Cloudflare Workers: workerd runs this bundle's `test` handler (`workerd test worker.capnp`), the
// way Workers runs a worker; the mock's address comes in as a binding, like a Worker's variables.
import { session } from "./session.js";

export default {
  /** @param {unknown} _controller @param {{ MOCK: string }} env */
  async test(_controller, env) {
    const report = await session(JSON.parse(env.MOCK));
    console.log(JSON.stringify({ runtime: navigator.userAgent, ...report }));
  },
};
