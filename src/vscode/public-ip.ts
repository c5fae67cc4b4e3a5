// The real public IP lookup behind "Restrict SSH to my current public IP" (tests pass their own).
import * as https from 'node:https';

export function checkIpAmazonaws(timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = https.get('https://checkip.amazonaws.com/', { timeout: timeoutMs }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        reject(new Error(`checkip.amazonaws.com answered HTTP ${response.statusCode}`));
        return;
      }
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
        if (body.length > 100) request.destroy(new Error('unexpected answer from checkip.amazonaws.com'));
      });
      response.on('end', () => resolve(body.trim()));
    });
    request.on('timeout', () => request.destroy(new Error('checkip.amazonaws.com did not answer in time')));
    request.on('error', reject);
  });
}
