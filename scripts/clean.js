// Removes build output before a build, so files deleted from the source leave dist/ too.
const fs = require('node:fs');

for (const folder of process.argv.slice(2)) fs.rmSync(folder, { recursive: true, force: true });
