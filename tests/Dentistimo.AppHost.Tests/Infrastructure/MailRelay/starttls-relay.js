// A mail relay of the kind the notifier is given in production (port 587: STARTTLS, then a password), in front of
// MailDev, which speaks neither. It refuses AUTH and mail before STARTTLS, and stamps each message it passes on with
// a Received header saying how it came in, as real relays do ("ESMTPSA": over TLS, authenticated; RFC 3848).
// While the file <revoked marker> exists, the password counts as revoked at the provider: AUTH gets 535, and a session
// that logged in before gets 530 at its next MAIL; each refusal is written to stdout as "refused <code> <session id>".
//
// node starttls-relay.js <port> <certificate.pem> <key.pem> <user> <password> <maildev smtp port> <revoked marker>
// Run with NODE_PATH at MailDev's node_modules, which holds the smtp-server and nodemailer packages.
'use strict';
const fs = require('fs');
const { SMTPServer } = require('smtp-server');
const nodemailer = require('nodemailer');

const [port, certificateFile, keyFile, user, password, mailDevPort, revokedMarker] = process.argv.slice(2);
const revoked = () => fs.existsSync(revokedMarker);
const refuse = (session, code, message) => {
  console.log(`refused ${code} ${session.id}`);
  return Object.assign(new Error(message), { responseCode: code });
};
const mailDev = nodemailer.createTransport({ host: '127.0.0.1', port: Number(mailDevPort), secure: false, ignoreTLS: true });

const relay = new SMTPServer({
  name: 'relay.dentistimo.test',
  cert: fs.readFileSync(certificateFile),
  key: fs.readFileSync(keyFile),
  authMethods: ['PLAIN', 'LOGIN'],
  authOptional: false,
  onAuth(auth, session, callback) {
    if (auth.username === user && auth.password === password && !revoked()) {
      return callback(null, { user: auth.username });
    }
    return callback(refuse(session, 535, '5.7.8 Invalid username or password'));
  },
  onMailFrom(address, session, callback) {
    // smtp-server asks for AUTH before MAIL already; this makes the TLS requirement explicit.
    if (!session.secure) return callback(Object.assign(new Error('Must issue a STARTTLS command first'), { responseCode: 530 }));
    return revoked() ? callback(refuse(session, 530, '5.7.0 Authentication required')) : callback();
  },
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', chunk => chunks.push(chunk));
    stream.on('end', () => {
      const cipher = session.tlsOptions || {};
      const received = `Received: from ${session.hostNameAppearsAs} by relay.dentistimo.test with ESMTPSA` +
        ` (version=${cipher.version} cipher=${cipher.name}) for <${session.envelope.rcptTo.map(to => to.address).join('>, <')}>;` +
        ` ${new Date().toUTCString()}\r\n`;
      mailDev.sendMail({
        envelope: { from: session.envelope.mailFrom.address, to: session.envelope.rcptTo.map(to => to.address) },
        raw: Buffer.concat([Buffer.from(received), ...chunks]),
      }, error => callback(error));
    });
  },
});

relay.on('error', error => console.error(`relay: ${error.message}`));
relay.listen(Number(port), '127.0.0.1', () => console.log(`relay listening on 127.0.0.1:${port}`));
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => relay.close(() => process.exit(0)));
}
