// The account: its fax numbers (what --from takes) and its own record.
import type { Runner } from "./types.js";

export const numbers: Runner = async (ctx) => {
  const fax = await ctx.client();
  const { numbers } = await fax.listNumbers();
  if (ctx.json) return ctx.out.json(numbers);
  if (numbers.length === 0 && ctx.out.tty) return ctx.out.print("No fax numbers.");
  const rows = numbers.map((n) => [
    n.number,
    n.status,
    n.assigned_to.join(","),
    n.acquired_date,
    n.expiration_date ?? "",
  ]);
  ctx.out.rows(
    [
      "NUMBER",
      "STATUS",
      { header: "ASSIGNED TO", fit: "end" },
      { header: "ACQUIRED", fit: "end" },
      { header: "EXPIRES", fit: "end" },
    ],
    rows,
  );
};

export const account: Runner = async (ctx) => {
  const fax = await ctx.client();
  const record = await fax.getAccount();
  if (ctx.json) return ctx.out.json(record);
  ctx.out.record(record);
};
