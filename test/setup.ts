// Runs before every test file: the SDK reads FAXPLUS_TOKEN and FAXPLUS_CLIENT_ID on Node, so a
// developer's own values must not leak into tests that expect none (test/core/environment.test.ts
// sets them where it means to).
delete process.env["FAXPLUS_TOKEN"];
delete process.env["FAXPLUS_CLIENT_ID"];
