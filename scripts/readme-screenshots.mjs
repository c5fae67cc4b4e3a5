// Refreshes the README's screenshots in media/screenshots/ from the end-to-end test's artifacts
// (.test-artifacts/e2e/, written by `npm run test:e2e`): scaled down, or cropped to the diagram,
// by Chromium itself so no image tool is needed.   node scripts/readme-screenshots.mjs
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const from = path.join(root, '.test-artifacts', 'e2e');
const to = path.join(root, 'media', 'screenshots');

// [artifact, output, width of the output (none: copied as it is), crop {x, y, width, height} in the 1920x1080 original]
const pictures = [
  ['10-instance.png', 'tutorial-created.png', 1280],
  ['11-inbound-path-diagram.png', 'inbound-path.png'],
  ['12-reply-path-diagram.png', 'reply-path.png'],
  ['13-ssh.png', 'ssh-terminal.png', 1280],
];

fs.mkdirSync(to, { recursive: true });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage();
  for (const [input, output, width, crop = { x: 0, y: 0, width: 1920, height: 1080 }] of pictures) {
    const file = path.join(from, input);
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: run \`npm run test:e2e\` first.`);
    if (!width) {
      fs.copyFileSync(file, path.join(to, output));
      console.log(`${output}: copied, ${(fs.statSync(file).size / 1024).toFixed(0)} KB`);
      continue;
    }
    const scale = width / crop.width;
    const height = Math.round(crop.height * scale);
    await page.setViewportSize({ width, height });
    const data = fs.readFileSync(file).toString('base64');
    await page.setContent(
      `<body style="margin:0;overflow:hidden"><img src="data:image/png;base64,${data}" style="position:absolute;left:${-crop.x * scale}px;top:${-crop.y * scale}px;width:${1920 * scale}px"></body>`,
    );
    await page.locator('img').evaluate((img) => img.decode());
    await page.screenshot({ path: path.join(to, output) });
    console.log(`${output}: ${width}x${height}, ${(fs.statSync(path.join(to, output)).size / 1024).toFixed(0)} KB`);
  }
} finally {
  await browser.close();
}
