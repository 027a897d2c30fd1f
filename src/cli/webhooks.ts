// webhooks list / create / delete. (`webhooks` is a group in commands.ts: another subcommand is
// one more entry there and a file of its own.)
import type { Webhook, WebhookEventType } from "../index.js";
import { printPlan } from "./dry-run.js";
import type { Runner } from "./types.js";

// `satisfies` keeps this list in step with the spec's WebhookEventType enum.
const EVENTS = Object.keys({
  fax_sent: true,
  fax_received: true,
  fax_page_received: true,
} satisfies Record<WebhookEventType, true>) as WebhookEventType[];

export const list: Runner = async (ctx) => {
  const fax = await ctx.client();
  const event = ctx.args.string("event");
  // The SDK checks a given event against the spec's enum before sending.
  const events = event === undefined ? EVENTS : [event as WebhookEventType];
  const hooks: Webhook[] = [];
  for (const e of events) hooks.push(...((await fax.listWebhooks(e)).data ?? []));
  if (ctx.json) return ctx.out.json(hooks);
  if (hooks.length === 0 && ctx.out.tty) return ctx.out.print("No webhooks.");
  ctx.out.rows(
    ["ID", "EVENT", { header: "TARGET", fit: "end" }],
    hooks.map((hook) => [hook.id ?? "", hook.event, hook.target]),
  );
};

export const create: Runner = async (ctx) => {
  const fax = await ctx.client();
  const event = ctx.args.string("event") as WebhookEventType;
  const target = ctx.args.string("target") ?? "";
  const { id } = await fax.createWebhook({ event, target });
  if (ctx.dryRun) return printPlan(ctx, ctx.dryRun);
  if (ctx.json) return ctx.out.json({ id, event, target });
  ctx.out.print(ctx.out.tty ? `created webhook ${id} (${event} -> ${target})` : id);
};

export const remove: Runner = async (ctx) => {
  const fax = await ctx.client();
  const id = ctx.args.positionals[0] ?? "";
  await fax.deleteWebhook({ hook_id: id });
  if (ctx.dryRun) return printPlan(ctx, ctx.dryRun);
  if (ctx.json) return ctx.out.json({ deleted: id });
  ctx.out.print(`deleted webhook ${id}`);
};
