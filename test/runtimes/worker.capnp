# workerd's configuration for the Workers case of the runtime matrix (`workerd test worker.capnp`):
# one worker, the bundle of worker.js, whose fetches may reach the mock on loopback.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    # The default outbound network, widened from public addresses to loopback, where the mock is.
    (name = "internet", network = (allow = ["public", "local"])),
  ],
);

const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.bundle.js")],
  compatibilityDate = "2026-11-01",
  bindings = [(name = "MOCK", fromEnvironment = "FAXPLUS_MOCK")],
);
