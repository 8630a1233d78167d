// The GoTrue-compatible auth surface (/auth/v1) as supabase-js's auth client
// and the API document's raw requests use it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { env, newClient, rawFetch, uniqueEmail } from './lib/client.mjs'

const PASSWORD = 'correct horse battery'

// mixedCase turns "a-1b@example.test" into "A-1B@Example.Test", so the
// server's lowercasing is exercised.
function mixedCase(email) {
  const [local, domain] = email.split('@')
  return local.toUpperCase() + '@' + domain.replace(/(^|\.)([a-z])/g, (_, dot, c) => dot + c.toUpperCase())
}

// signedUp returns a new client signed in as a fresh user.
async function signedUp(prefix, data = {}) {
  const email = uniqueEmail(prefix)
  const client = newClient()
  const { data: res, error } = await client.auth.signUp({ email, password: PASSWORD, options: { data } })
  assert.equal(error, null)
  assert.ok(res.session, 'signUp answered with a session')
  return { client, email, user: res.user, session: res.session }
}

// assertAuthError checks an auth-js error: its class name, HTTP status and code.
function assertAuthError(error, { name = 'AuthApiError', status, code, message }) {
  assert.ok(error, 'an error is returned')
  assert.equal(error.name, name, `error name (message: ${error.message})`)
  if (status !== undefined) assert.equal(error.status, status, `status (message: ${error.message})`)
  if (code !== undefined) assert.equal(error.code, code, `code (message: ${error.message})`)
  if (message !== undefined) assert.equal(error.message, message)
}

// profileRow reads the profile of userId over REST with the service_role key,
// or skips t while the REST surface does not serve /rest/v1/profiles yet.
async function profileRow(t, userId) {
  const res = await rawFetch(`/rest/v1/profiles?user_id=eq.${userId}`, {
    headers: { apikey: env.serviceRoleKey, Authorization: 'Bearer ' + env.serviceRoleKey },
  })
  if (res.status === 404) {
    // TODO(rest): drop this skip once /rest/v1/profiles is served.
    t.skip('REST not yet available')
    return null
  }
  assert.equal(res.status, 200, `GET /rest/v1/profiles: ${JSON.stringify(res.json)}`)
  assert.ok(Array.isArray(res.json), 'REST answers an array')
  assert.equal(res.json.length, 1, 'exactly one profile per user')
  assert.equal(res.json[0].user_id, userId)
  return res.json[0]
}

// jwtSecret is the server's HS256 secret: <data dir>/jwt_secret, which the
// harness makes it generate (TUNEBASE_JWT_SECRET is empty for the server).
function jwtSecret() {
  if (env.dataDir) {
    try {
      return readFileSync(join(env.dataDir, 'jwt_secret'), 'utf8').trim()
    } catch {}
  }
  return process.env.TUNEBASE_JWT_SECRET ?? ''
}

function signHS256(payload, secret) {
  const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64url')
  const data = enc({ alg: 'HS256', typ: 'JWT' }) + '.' + enc(payload)
  return data + '.' + createHmac('sha256', secret).update(data).digest('base64url')
}

function decodePayload(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'))
}

// ---------------------------------------------------------------- signUp

test('signUp with metadata answers a session, a lowercase email and the profile', async (t) => {
  const email = uniqueEmail('signup')
  const meta = { display_name: 'Анна Synth', avatar_url: 'https://cdn.example.test/a.png' }
  const client = newClient()
  const { data, error } = await client.auth.signUp({ email: mixedCase(email), password: PASSWORD, options: { data: meta } })
  assert.equal(error, null)
  assert.ok(data.session, 'data.session')
  assert.ok(data.user, 'data.user')
  assert.equal(data.user.email, email, 'email is stored lowercase')
  assert.equal(data.user.user_metadata.display_name, meta.display_name)
  assert.equal(data.user.user_metadata.avatar_url, meta.avatar_url)
  assert.equal(data.session.user.id, data.user.id)
  assert.equal(data.session.token_type, 'bearer')
  assert.ok(data.session.expires_in > 90, 'expires_in above supabase-js\'s 90 s refresh margin')

  // The session was saved: getUser uses it and sees the same metadata.
  const got = await client.auth.getUser()
  assert.equal(got.error, null)
  assert.equal(got.data.user.id, data.user.id)
  assert.equal(got.data.user.user_metadata.display_name, meta.display_name)
  assert.equal(got.data.user.user_metadata.avatar_url, meta.avatar_url)

  await t.test('the profile row carries display_name and avatar_url', async (t) => {
    const row = await profileRow(t, data.user.id)
    if (!row) return
    assert.equal(row.display_name, meta.display_name)
    assert.equal(row.avatar_url, meta.avatar_url)
  })
})

test('signUp with a taken email in another case → 422 user_already_exists', async () => {
  const { email } = await signedUp('dup')
  const { data, error } = await newClient().auth.signUp({ email: mixedCase(email), password: 'another password' })
  assertAuthError(error, { status: 422, code: 'user_already_exists' })
  assert.equal(data.session, null)
  assert.equal(data.user, null)
})

test('signUp with a malformed email → 400 VALIDATION_INVALID_FORMAT', async () => {
  const { error } = await newClient().auth.signUp({ email: 'not-an-email', password: PASSWORD })
  assertAuthError(error, { status: 400, code: 'VALIDATION_INVALID_FORMAT' })
})

test('signUp with a short password → AuthWeakPasswordError with reason length', async () => {
  const { data, error } = await newClient().auth.signUp({ email: uniqueEmail('weak'), password: 'short' })
  assertAuthError(error, { name: 'AuthWeakPasswordError', status: 422, code: 'weak_password' })
  assert.ok(Array.isArray(error.reasons), 'reasons is an array')
  assert.ok(error.reasons.includes('length'), `reasons ${JSON.stringify(error.reasons)} include length`)
  assert.equal(data.session, null)
})

// ---------------------------------------------------------------- signInWithPassword

test('signInWithPassword answers a session and fires SIGNED_IN', async () => {
  const { email, user } = await signedUp('signin')
  const client = newClient()
  const events = []
  const { data: sub } = client.auth.onAuthStateChange((event, session) => events.push({ event, session }))
  try {
    const { data, error } = await client.auth.signInWithPassword({ email: mixedCase(email), password: PASSWORD })
    assert.equal(error, null)
    assert.ok(data.session, 'data.session')
    assert.equal(data.user.id, user.id)
    assert.equal(data.user.email, email)
    assert.ok(data.user.last_sign_in_at, 'last_sign_in_at is set')
    const signedIn = events.find((e) => e.event === 'SIGNED_IN')
    assert.ok(signedIn, `SIGNED_IN among ${JSON.stringify(events.map((e) => e.event))}`)
    assert.equal(signedIn.session.access_token, data.session.access_token)
    const { data: s } = await client.auth.getSession()
    assert.equal(s.session.access_token, data.session.access_token, 'the session is stored')
  } finally {
    sub.subscription.unsubscribe()
  }
})

test('signInWithPassword with a wrong password → 400 AUTH_INVALID_CREDENTIALS', async () => {
  const { email } = await signedUp('wrongpw')
  const { data, error } = await newClient().auth.signInWithPassword({ email, password: 'not the password' })
  assertAuthError(error, { status: 400, code: 'AUTH_INVALID_CREDENTIALS', message: 'Invalid login credentials' })
  assert.equal(data.session, null)
  assert.equal(data.user, null)
})

test('signInWithPassword with an unknown email → the same 400 AUTH_INVALID_CREDENTIALS', async () => {
  const { error } = await newClient().auth.signInWithPassword({ email: uniqueEmail('nobody'), password: PASSWORD })
  assertAuthError(error, { status: 400, code: 'AUTH_INVALID_CREDENTIALS', message: 'Invalid login credentials' })
})

// ---------------------------------------------------------------- getUser / getClaims

test('getUser with the session answers the same user', async () => {
  const { client, user, session } = await signedUp('getuser')
  const { data, error } = await client.auth.getUser()
  assert.equal(error, null)
  assert.equal(data.user.id, user.id)
  assert.equal(data.user.email, user.email)
  // The same, with the access token passed explicitly on a fresh client.
  const other = await newClient().auth.getUser(session.access_token)
  assert.equal(other.error, null)
  assert.equal(other.data.user.id, user.id)
})

test('getUser with no session → AuthSessionMissingError, no request sent', async () => {
  let requests = 0
  const client = newClient({
    global: {
      fetch: (...args) => {
        requests++
        return fetch(...args)
      },
    },
  })
  const { data, error } = await client.auth.getUser()
  assertAuthError(error, { name: 'AuthSessionMissingError' })
  assert.equal(data.user, null)
  assert.equal(requests, 0, 'no request reached the network')
  // Control: the counter does see the auth client's requests.
  await client.auth.signInWithPassword({ email: uniqueEmail('nobody'), password: PASSWORD })
  assert.equal(requests, 1, 'the custom fetch carries auth requests')
})

test('getClaims answers sub, role, session_id and email', async () => {
  const { client, user, email } = await signedUp('claims')
  const { data, error } = await client.auth.getClaims()
  assert.equal(error, null)
  assert.equal(data.claims.sub, user.id)
  assert.equal(data.claims.role, 'authenticated')
  assert.equal(typeof data.claims.session_id, 'string')
  assert.ok(data.claims.session_id.length > 0, 'session_id is not empty')
  assert.equal(data.claims.email, email)
  assert.equal(data.header.alg, 'HS256')
})

// ---------------------------------------------------------------- updateUser

test('updateUser({data}) updates user_metadata and the profile', async (t) => {
  const { client, user } = await signedUp('update', { display_name: 'Old', avatar_url: 'https://cdn.example.test/o.png' })
  const { data, error } = await client.auth.updateUser({ data: { display_name: 'New' } })
  assert.equal(error, null)
  assert.equal(data.user.id, user.id)
  assert.equal(data.user.user_metadata.display_name, 'New')
  assert.equal(data.user.user_metadata.avatar_url, 'https://cdn.example.test/o.png', 'other keys are kept (merge)')
  const { data: s } = await client.auth.getSession()
  assert.equal(s.session.user.user_metadata.display_name, 'New', 'the stored session\'s user is replaced')

  const got = await client.auth.getUser()
  assert.equal(got.error, null)
  assert.equal(got.data.user.user_metadata.display_name, 'New')

  await t.test('the profile\'s display_name follows', async (t) => {
    const row = await profileRow(t, user.id)
    if (!row) return
    assert.equal(row.display_name, 'New')
    assert.equal(row.avatar_url, 'https://cdn.example.test/o.png')
  })
})

test('updateUser({password}): the new password signs in, the old no longer does', async () => {
  const { client, email, user } = await signedUp('newpw')
  const newPassword = 'a brand new passphrase'
  const { data, error } = await client.auth.updateUser({ password: newPassword })
  assert.equal(error, null)
  assert.equal(data.user.id, user.id)
  assert.equal((await client.auth.signOut()).error, null)

  const other = newClient()
  const good = await other.auth.signInWithPassword({ email, password: newPassword })
  assert.equal(good.error, null)
  assert.equal(good.data.user.id, user.id)
  const old = await newClient().auth.signInWithPassword({ email, password: PASSWORD })
  assertAuthError(old.error, { status: 400, code: 'AUTH_INVALID_CREDENTIALS' })
})

// ---------------------------------------------------------------- refresh

test('refreshSession rotates both tokens; reusing the old one revokes the session', async () => {
  const { client, user, session: first } = await signedUp('refresh')
  const { data, error } = await client.auth.refreshSession()
  assert.equal(error, null)
  const second = data.session
  assert.ok(second, 'a new session')
  assert.equal(data.user.id, user.id)
  assert.notEqual(second.access_token, first.access_token, 'new access token')
  assert.notEqual(second.refresh_token, first.refresh_token, 'new refresh token')
  assert.equal((await client.auth.getUser()).error, null, 'the new access token works')

  const client2 = newClient()
  const reuse = await client2.auth.refreshSession({ refresh_token: first.refresh_token })
  assertAuthError(reuse.error, { status: 400, code: 'refresh_token_already_used' })
  assert.equal(reuse.data.session, null)

  // Reuse detection ended the session: its newest refresh token is refused
  // too, and so is its access token on /auth/v1/user.
  const after = await newClient().auth.refreshSession({ refresh_token: second.refresh_token })
  assertAuthError(after.error, { status: 400, code: 'refresh_token_not_found' })
  const me = await newClient().auth.getUser(second.access_token)
  assertAuthError(me.error, { name: 'AuthSessionMissingError' })
})

// ---------------------------------------------------------------- signOut

test('signOut ends the session: its refresh token is refused', async () => {
  const { client, session } = await signedUp('signout')
  const { error } = await client.auth.signOut()
  assert.equal(error, null)
  assert.equal((await client.auth.getSession()).data.session, null, 'the local session is gone')
  const res = await newClient().auth.refreshSession({ refresh_token: session.refresh_token })
  assertAuthError(res.error, { status: 400, code: 'refresh_token_not_found' })
})

test('signOut({scope: "others"}) keeps this session and ends the others', async () => {
  const { email, user } = await signedUp('others')
  const a = newClient()
  const b = newClient()
  const sa = await a.auth.signInWithPassword({ email, password: PASSWORD })
  const sb = await b.auth.signInWithPassword({ email, password: PASSWORD })
  assert.equal(sa.error, null)
  assert.equal(sb.error, null)
  assert.notEqual(sa.data.session.refresh_token, sb.data.session.refresh_token)

  assert.equal((await a.auth.signOut({ scope: 'others' })).error, null)

  const me = await a.auth.getUser()
  assert.equal(me.error, null, 'this session still works')
  assert.equal(me.data.user.id, user.id)
  const ra = await a.auth.refreshSession()
  assert.equal(ra.error, null, 'this session still refreshes')
  assert.ok(ra.data.session)

  const rb = await newClient().auth.refreshSession({ refresh_token: sb.data.session.refresh_token })
  assertAuthError(rb.error, { status: 400, code: 'refresh_token_not_found' })
})

// ---------------------------------------------------------------- expired token

test('an expired access token → 401 AUTH_TOKEN_EXPIRED on /auth/v1/user', async (t) => {
  const secret = jwtSecret()
  if (!secret) {
    t.skip('no TUNEBASE_DATA_DIR/jwt_secret nor TUNEBASE_JWT_SECRET to sign with')
    return
  }
  const { user, email, session } = await signedUp('expired')
  const { session_id } = decodePayload(session.access_token)
  const now = Math.floor(Date.now() / 1000)
  const claims = { sub: user.id, role: 'authenticated', aud: 'authenticated', email, session_id }

  // Control: the same claims, still valid, are accepted, so the secret is right.
  const valid = signHS256({ ...claims, iat: now, exp: now + 600 }, secret)
  const ok = await rawFetch('/auth/v1/user', { headers: { Authorization: 'Bearer ' + valid } })
  assert.equal(ok.status, 200, `a valid token signed with the data dir's secret: ${JSON.stringify(ok.json)}`)
  assert.equal(ok.json.id, user.id)

  const expired = signHS256({ ...claims, iat: now - 120, exp: now - 60 }, secret)
  const res = await rawFetch('/auth/v1/user', { headers: { Authorization: 'Bearer ' + expired } })
  assert.equal(res.status, 401)
  assert.equal(res.json?.code, 'AUTH_TOKEN_EXPIRED')

  const { data, error } = await newClient().auth.getUser(expired)
  assertAuthError(error, { status: 401, code: 'AUTH_TOKEN_EXPIRED' })
  assert.equal(data.user, null)
})

// ---------------------------------------------------------------- raw requests

function assertAuthResponse(body, email) {
  assert.ok(body && typeof body === 'object', 'JSON body')
  assert.equal(typeof body.access_token, 'string')
  assert.equal(body.access_token.split('.').length, 3, 'access_token is a JWT')
  assert.equal(body.token_type, 'bearer')
  assert.equal(typeof body.expires_in, 'number')
  assert.ok(body.expires_in > 90, 'expires_in > 90')
  assert.equal(typeof body.expires_at, 'number')
  const now = Math.floor(Date.now() / 1000)
  assert.ok(Math.abs(body.expires_at - (now + body.expires_in)) <= 30, 'expires_at ≈ now + expires_in')
  assert.equal(typeof body.refresh_token, 'string')
  assert.ok(body.refresh_token.length > 0)
  assert.ok(body.user && typeof body.user === 'object', 'user')
  assert.equal(typeof body.user.id, 'string')
  assert.equal(body.user.email, email)
}

test('raw POST /auth/v1/signup and /auth/v1/token?grant_type=password answer the AuthResponse shape', async () => {
  const email = uniqueEmail('raw')
  const headers = { 'Content-Type': 'application/json' } // apikey is added by rawFetch
  const meta = { display_name: 'Raw', avatar_url: 'https://cdn.example.test/r.png' }

  const up = await rawFetch('/auth/v1/signup', { method: 'POST', headers, body: { email, password: PASSWORD, data: meta } })
  assert.equal(up.status, 200, JSON.stringify(up.json))
  assertAuthResponse(up.json, email)
  assert.equal(up.json.user.user_metadata.display_name, 'Raw')

  const inn = await rawFetch('/auth/v1/token?grant_type=password', { method: 'POST', headers, body: { email, password: PASSWORD } })
  assert.equal(inn.status, 200, JSON.stringify(inn.json))
  assertAuthResponse(inn.json, email)
  assert.equal(inn.json.user.id, up.json.user.id)
  assert.notEqual(inn.json.refresh_token, up.json.refresh_token, 'a new session')

  const me = await rawFetch('/auth/v1/user', { headers: { Authorization: 'Bearer ' + inn.json.access_token } })
  assert.equal(me.status, 200)
  assert.equal(me.json.id, up.json.user.id)

  const out = await rawFetch('/auth/v1/logout', { method: 'POST', headers: { Authorization: 'Bearer ' + inn.json.access_token } })
  assert.equal(out.status, 204)
})
