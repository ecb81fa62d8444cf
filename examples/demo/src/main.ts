import { runDemo } from './runDemo.js';

const result = await runDemo();
for (const line of result.lines) console.log(line);
if (!result.verified) process.exitCode = 1;
