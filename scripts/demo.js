// npm start: a tour of the SDK against the embedded mock API (no account needed).
// npm start -- --live: reads your real account with FAXPLUS_TOKEN (sends nothing unless --send-to).
// Imports the built package by its own name, as a user would (run after `npm run build`).
import { FaxPlus, ValidationError } from "faxplus-unofficial";
import { pdfDocument, seeds, startMockServer } from "faxplus-unofficial/mock";

const args = process.argv.slice(2);
const say = (text = "") => console.log(text);
const step = (n, title) => say(`\n${n}. ${title}`);

if (args.includes("--live")) await live();
else await tour();

async function tour() {
  const mock = await startMockServer({ deliveryMs: 1500 });
  const retries = [];
  const fax = new FaxPlus({
    token: "demo-token",
    baseUrl: mock.baseUrl,
    logger: (event) => event.event === "retry" && retries.push(event),
  });
  say(`Mock Fax.Plus API on ${mock.baseUrl} (in memory, per process)`);
  const from = seeds.number;
  try {
    step(1, "Upload a generated PDF");
    const path = await fax.upload(new Blob([helloPdf()], { type: "application/pdf" }), {
      filename: "hello.pdf",
    });
    say(`   uploaded hello.pdf -> ${path}`);

    step(2, "Send it with return_ids");
    const { key, ids } = await fax.send({
      from,
      to: ["+12025550123"],
      files: [path],
      comment: { text: "demo" },
    });
    const [[destination, faxId]] = Object.entries(ids);
    say(`   queued for ${destination} as fax ${faxId} (send key ${key})`);

    step(3, "Modify its comment while it is still in the outbox");
    const { records } = await fax.listOutbox();
    const job = records.find((r) => r.to?.includes(destination));
    await fax.updateOutbox(job.id, { comment: "urgent: contract" });
    say(`   outbox job ${job.id} (${job.status}) now says "urgent: contract"`);

    step(4, "Wait for delivery, then download the fax and its confirmation report");
    const record = await fax.waitForDelivery(faxId, { pollInterval: 200 });
    const document = await fax.download(faxId);
    const report = await fax.downloadReport(faxId);
    say(`   status ${record.status} after ${record.pages} page(s)`);
    say(`   fax document: ${document.size} bytes (${document.type}); report: ${report.size} bytes`);

    step(5, "Forward a received fax to two numbers");
    const forwarded = await fax.forward(seeds.inboxFaxId(0), {
      from,
      to: ["+12025550124", "+12025550125"],
    });
    say(`   forwarded ${seeds.inboxFaxId(0)} -> ${Object.keys(forwarded.ids).join(", ")}`);

    step(6, "Resend a failed fax (recipients and number read from the original record)");
    const failed = await fax.getFax({ fax_id: seeds.failedFaxId });
    const resent = await fax.resend(seeds.failedFaxId);
    say(`   ${failed.id} had ${failed.status}; resent to ${Object.keys(resent.ids).join(", ")}`);

    step(7, "Bulk-mark 250 inbox faxes as read");
    const inbox = [];
    for await (const f of fax.iterateFaxes({ category: "inbox" })) {
      if (!f.is_read && f.owner_id === seeds.selfUid) inbox.push(f.id);
      if (inbox.length === 250) break;
    }
    const before = mock.requests.length;
    const result = await fax.updateFaxesInBatches(inbox, { is_read: true });
    const batches = mock.requests.length - before;
    const largest = Math.max(...mock.requests.slice(before).map((r) => r.body.ids.length));
    say(`   ${result.updated.length} updated in ${batches} requests of at most ${largest} IDs`);

    step(8, "A validation error: refused before anything is sent");
    const sentBefore = mock.requests.length;
    try {
      await fax.send({ from, to: ["+12025550123", "555-0100"], files: [path] });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      say(`   ValidationError: ${error.message}`);
      say(`   requests sent: ${mock.requests.length - sentBefore}`);
    }

    step(9, "A retry: the API answers 503 twice, the client retries a GET");
    mock.failNext(2, 503);
    const account = await fax.getAccount();
    for (const r of retries) say(`   retry after ${r.reason}, waiting ${Math.round(r.delayMs)} ms`);
    say(`   then got the account of ${account.email}`);
    mock.failNext(1, 503);
    // A send answered 503 may have queued the fax: it is never retried blindly. The SDK looks for
    // it by its send key first (visibilityMs: how long a job may take to show in the outbox).
    const again = await fax.send(
      { from, to: ["+12025550126"], files: [path] },
      { visibilityMs: 0 },
    );
    say(`   a send answered 503 is reconciled before anything else: not queued, so sent once`);
    say(`   (${again.via}, key ${again.key})`);
    say("\nDone.");
  } finally {
    await mock.close();
  }
}

async function live() {
  const token = process.env.FAXPLUS_TOKEN;
  if (!token) {
    console.error("--live needs FAXPLUS_TOKEN (a personal access token) in the environment.");
    process.exit(2);
  }
  // FAXPLUS_BASE_URL points --live elsewhere, e.g. at a mock (the tests do).
  const fax = new FaxPlus({
    token,
    ...(process.env.FAXPLUS_CLIENT_ID && { clientId: process.env.FAXPLUS_CLIENT_ID }),
    ...(process.env.FAXPLUS_BASE_URL && { baseUrl: process.env.FAXPLUS_BASE_URL }),
  });
  const account = await fax.getAccount();
  say(`Account ${account.email} (${account.account_type}, ${account.status})`);
  const { numbers } = await fax.listNumbers();
  say(`Numbers: ${numbers.map((n) => n.number).join(", ") || "none"}`);
  const { records } = await fax.listFaxPage({ category: "inbox", limit: 5 });
  for (const f of records)
    say(`  inbox ${f.id} ${f.start_time ?? ""} from ${f.from ?? "?"}: ${f.status}`);
  const outbox = await fax.listOutbox();
  say(`Outbox: ${outbox.records.length} job(s)`);

  if (!args.includes("--send-to")) return say("No fax sent (pass --send-to +1... to send one).");
  const sendTo = args[args.indexOf("--send-to") + 1];
  if (!sendTo?.startsWith("+")) {
    console.error("--send-to needs a fax number such as +12025550123.");
    process.exit(2);
  }
  const from = numbers[0]?.number ?? "no_number";
  const path = await fax.upload(new Blob([helloPdf()], { type: "application/pdf" }), {
    filename: "hello.pdf",
  });
  const { key, ids } = await fax.send({ from, to: [sendTo], files: [path] });
  say(`Sent to ${sendTo}: ${JSON.stringify(ids)} (send key ${key})`);
}

function helloPdf() {
  return pdfDocument("Hello from faxplus-unofficial");
}
