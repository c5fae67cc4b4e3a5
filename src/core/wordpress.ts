// The cloud-config of the WordPress example (examples/wordpress.blueprint.yaml and "New Blueprint"
// with WordPress): the tutorial author's next article, typed once. RHEL 8's real package and
// module names; SELinux stays enforcing; the database password is generated on the box.
// The example's cloud-config is checked by the real `cloud-init schema` (test/e2e).

export const wordpressCloudConfig = `#cloud-config
# WordPress on RHEL 8, all on this one box: Apache (httpd), PHP 8.2 and MariaDB 10.5 from their
# dnf module streams, and WordPress itself. The database password is generated here, on the box;
# it is never in the blueprint. cloud-init runs this once, at first boot; its output is in
# /var/log/cloud-init-output.log.
write_files:
  - path: /usr/local/sbin/install-wordpress
    owner: root:root
    permissions: '0700'
    content: |
      #!/bin/bash
      set -euo pipefail
      # PHP 8.2 and MariaDB 10.5 are module streams of RHEL 8's AppStream (the defaults are older).
      dnf module reset -y php mariadb
      dnf module enable -y php:8.2 mariadb:10.5
      dnf install -y httpd mariadb-server php php-fpm php-mysqlnd php-gd php-xml php-mbstring \\
        php-intl php-opcache policycoreutils-python-utils tar openssl
      systemctl enable --now mariadb php-fpm httpd

      # The database and its user, with a password made here and written only into wp-config.php.
      db_password="$(openssl rand -base64 33 | tr -d '/+=\\n')"
      mysql --user=root <<SQL
      DELETE FROM mysql.user WHERE User='';
      DROP DATABASE IF EXISTS test;
      CREATE DATABASE IF NOT EXISTS wordpress DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
      CREATE USER IF NOT EXISTS 'wordpress'@'localhost' IDENTIFIED BY '\${db_password}';
      GRANT ALL PRIVILEGES ON wordpress.* TO 'wordpress'@'localhost';
      FLUSH PRIVILEGES;
      SQL

      # WordPress itself, served from /var/www/html.
      curl -fsSL https://wordpress.org/latest.tar.gz -o /tmp/wordpress.tar.gz
      tar -xzf /tmp/wordpress.tar.gz -C /var/www/html --strip-components=1
      rm -f /tmp/wordpress.tar.gz
      cd /var/www/html
      cp wp-config-sample.php wp-config.php
      sed -i -e "s/database_name_here/wordpress/" -e "s/username_here/wordpress/" \\
        -e "s/password_here/\${db_password}/" wp-config.php
      while grep -q 'put your unique phrase here' wp-config.php; do
        sed -i "0,/put your unique phrase here/s//$(openssl rand -hex 32)/" wp-config.php
      done
      chown -R apache:apache /var/www/html
      chown root:apache wp-config.php
      chmod 640 wp-config.php

      # SELinux stays enforcing: label what WordPress writes (uploads, plugins, updates) and allow
      # what it does (talk to the database, fetch updates over HTTP, send mail).
      semanage fcontext -a -t httpd_sys_rw_content_t '/var/www/html/wp-content(/.*)?'
      restorecon -R /var/www/html
      setsebool -P httpd_can_network_connect_db on
      setsebool -P httpd_can_network_connect on
      setsebool -P httpd_can_sendmail on

      # RHEL's images on EC2 run no firewalld (the security group is the firewall); where it
      # runs, HTTP and HTTPS are opened in it as well.
      if systemctl is-active --quiet firewalld; then
        firewall-cmd --permanent --add-service=http --add-service=https
        firewall-cmd --reload
      fi
runcmd:
  - [/usr/local/sbin/install-wordpress]
final_message: WordPress is installed; open http://<this instance's public address>/ to finish the setup.
`;
