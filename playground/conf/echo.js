// The dynamic endpoints of www.example.com (nginx's JavaScript module).
function describe(r) {
    return {
        method: r.method,
        uri: r.uri,
        args: r.args,
        headers: r.headersIn,
        body: r.requestText || '',
        remoteAddress: r.remoteAddress,
        remotePort: Number(r.variables.remote_port),
        scheme: r.variables.scheme,
        user: r.variables.remote_user || null
    };
}

function send(r, status, value) {
    r.headersOut['Content-Type'] = 'application/json';
    r.return(status, JSON.stringify(value, null, 2) + '\n');
}

function echo(r) {
    send(r, 200, describe(r));
}

function parseCookies(header) {
    var cookies = {};
    (header || '').split(';').forEach(function (part) {
        var at = part.indexOf('=');
        if (at > 0) {
            cookies[part.slice(0, at).trim()] = part.slice(at + 1).trim();
        }
    });
    return cookies;
}

function cookies(r) {
    send(r, 200, { cookies: parseCookies(r.headersIn.Cookie) });
}

function setCookies(r) {
    r.headersOut['Set-Cookie'] = Object.keys(r.args).map(function (name) {
        return name + '=' + r.args[name] + '; Path=/';
    });
    r.headersOut.Location = '/cookies';
    r.return(302);
}

export default { echo, cookies, setCookies };
