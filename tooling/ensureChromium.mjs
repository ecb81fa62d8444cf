// Before the tests: the HTML report's browser test drives the machine's Chromium at
// /usr/bin/chromium (playwright-core never downloads a browser). On a Debian machine where the
// tests run as root, install it from the distribution when it is missing (about half a minute);
// anywhere else, say how, and let the browser test fail with the same advice.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (root && existsSync('/usr/bin/apt-get')) {
    console.error(
      'pipkit tests: installing Chromium for the browser test (apt-get install chromium)',
    );
    const install = 'apt-get install -y -q chromium';
    try {
      execSync(install, { stdio: 'inherit' });
    } catch {
      execSync(`apt-get update -q && ${install}`, { stdio: 'inherit' });
    }
  } else {
    console.error(
      `pipkit tests: no Chromium at ${CHROMIUM}; the browser test will fail. Install it with \`apt-get install -y chromium\` (as root).`,
    );
  }
}
