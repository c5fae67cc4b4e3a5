// The first-boot script that moves sshd to another port. On RHEL-family images SELinux only lets
// sshd bind to ports labelled ssh_port_t and firewalld (when present) must open the port, so both
// are adjusted before sshd restarts.

export function sshPortUserData(port: number, image: string): string | undefined {
  if (port === 22) return undefined;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`not a port: ${port}`);
  const redHat = /^(rhel|amazon-linux|al2023)/.test(image) || /^ami-/.test(image);
  const lines = [
    '#!/bin/bash',
    '# Written by EC2 Blueprint: sshd listens on port ' + port + '.',
    'set -u',
    `sed -i -E 's/^#?Port [0-9]+$/Port ${port}/' /etc/ssh/sshd_config`,
    `grep -qE '^Port ${port}$' /etc/ssh/sshd_config || echo 'Port ${port}' >> /etc/ssh/sshd_config`,
  ];
  if (redHat) {
    lines.push(
      `if command -v semanage >/dev/null 2>&1; then semanage port -a -t ssh_port_t -p tcp ${port} || semanage port -m -t ssh_port_t -p tcp ${port}; fi`,
      `if command -v firewall-cmd >/dev/null 2>&1 && firewall-cmd --state >/dev/null 2>&1; then firewall-cmd --permanent --add-port=${port}/tcp && firewall-cmd --reload; fi`,
    );
  } else {
    // Ubuntu 24.04 starts sshd from ssh.socket, which has its own port.
    lines.push(
      `if systemctl is-enabled ssh.socket >/dev/null 2>&1; then mkdir -p /etc/systemd/system/ssh.socket.d && printf '[Socket]\\nListenStream=\\nListenStream=${port}\\n' > /etc/systemd/system/ssh.socket.d/port.conf && systemctl daemon-reload && systemctl restart ssh.socket; fi`,
    );
  }
  lines.push('systemctl restart sshd 2>/dev/null || systemctl restart ssh');
  return lines.join('\n') + '\n';
}
