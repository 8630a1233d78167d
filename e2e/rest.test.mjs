// The PostgREST-compatible surface (/rest/v1) as supabase-js's query builder
// and the API document's raw requests use it: the document's examples, the
// filter / modifier matrix, row rules and error shapes.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as delay } from 'node:timers/promises'
import { env, newClient, rawFetch, uniqueEmail } from './lib/client.mjs'

const PASSWORD = 'correct horse battery'

// signedUp returns a new client signed in as a fresh user; the same client
// is then used for .from(...) calls, which carry the user's access token.
async function signedUp(prefix, data = {}) {
  const email = uniqueEmail(prefix)
  const client = newClient()
  const { data: res, error } = await client.auth.signUp({ email, password: PASSWORD, options: { data } })
  assert.equal(error, null, `signUp: ${JSON.stringify(error)}`)
  assert.ok(res.session, 'signUp answered with a session')
  return { client, email, user: res.user, id: res.user.id, session: res.session }
}

// ok asserts a postgrest-js result has no error and returns its data.
function ok(res, what = 'request') {
  assert.equal(res.error, null, `${what}: status ${res.status}, error ${JSON.stringify(res.error)}`)
  return res.data
}

// rows asserts a successful array answer and returns it.
function rows(res, what) {
  const data = ok(res, what)
  assert.ok(Array.isArray(data), `${what}: data is an array, got ${JSON.stringify(data)}`)
  return data
}

const SQL_WORDS = /\b(SELECT|INSERT)\b/
// File paths: absolute paths under the usual roots, or source files with a line.
const FILE_PATHS = /(^|[\s"'(=])\/(tmp|home|root|usr|var|work|opt|srv|app|src|build)\/|\.(go|sql|c|rs|py|mjs|js|ts)(:\d+)+\b|goroutine \d+/

// assertErrorShape checks the PostgREST error envelope and that it leaks no
// SQL text nor file paths.
function assertErrorShape(error, what) {
  assert.ok(error && typeof error === 'object', `${what}: an error object`)
  for (const k of ['message', 'code', 'details', 'hint']) {
    assert.ok(k in error, `${what}: error has key ${k}: ${JSON.stringify(error)}`)
  }
  assert.equal(typeof error.message, 'string', `${what}: message is a string`)
  assert.ok(error.message.length > 0, `${what}: message is not empty`)
  const text = JSON.stringify(error)
  assert.doesNotMatch(text, SQL_WORDS, `${what}: no SQL text in ${text}`)
  assert.doesNotMatch(text, FILE_PATHS, `${what}: no file paths in ${text}`)
}

// assertPgError checks a postgrest-js result failed with status and code.
function assertPgError(res, { status, code }, what = 'request') {
  assert.ok(res.error, `${what}: an error is returned (status ${res.status}, data ${JSON.stringify(res.data)})`)
  assertErrorShape(res.error, what)
  if (status !== undefined) assert.equal(res.status, status, `${what}: status (error ${JSON.stringify(res.error)})`)
  if (code !== undefined) assert.equal(res.error.code, code, `${what}: code (error ${JSON.stringify(res.error)})`)
  assert.equal(res.data, null, `${what}: data is null on error`)
}

// authHeaders are the document's headers for a signed-in user.
function authHeaders(session, extra = {}) {
  return { Authorization: 'Bearer ' + session.access_token, apikey: env.anonKey, ...extra }
}

// seed creates, as u, an artist, a project (status) and tracks (objects with
// at least title and track_number) through supabase-js.
async function seed(u, { status = 'draft', tracks = [], artist = {}, project = {} } = {}) {
  const a = ok(
    await u.client
      .from('artists')
      .insert({ name: 'Artist ' + u.id.slice(0, 8), metadata: { genre: 'Electronic', location: 'Moscow' }, ...artist })
      .select()
      .single(),
    'insert artist',
  )
  const p = ok(
    await u.client
      .from('projects')
      .insert({ artist_id: a.id, title: 'Project ' + status, type: 'album', status, ...project })
      .select()
      .single(),
    'insert project',
  )
  let ts = []
  if (tracks.length > 0) {
    ts = rows(
      await u.client
        .from('tracks')
        .insert(tracks.map((t) => ({ project_id: p.id, ...t })))
        .select(),
      'insert tracks',
    )
    ts.sort((x, y) => x.track_number - y.track_number)
  }
  return { artist: a, project: p, tracks: ts }
}

const numbers = (data) => data.map((r) => r.track_number)

// ---------------------------------------------------------------- 1. document examples

test('the API document\'s REST examples through supabase-js', async (t) => {
  const ann = await signedUp('doc', { display_name: 'Анна' })
  const db = ann.client

  await t.test('get profile: select(*).eq(user_id)', async () => {
    const data = rows(await db.from('profiles').select('*').eq('user_id', ann.id), 'get profile')
    assert.equal(data.length, 1)
    const p = data[0]
    assert.deepEqual(Object.keys(p).sort(), ['avatar_url', 'bio', 'created_at', 'display_name', 'id', 'updated_at', 'user_id'])
    assert.equal(p.user_id, ann.id)
    assert.equal(p.display_name, 'Анна')
    assert.equal(p.bio, null)
  })

  await t.test('patch profile: update({display_name, bio}).eq(user_id)', async () => {
    const res = await db.from('profiles').update({ display_name: 'Новое имя', bio: 'Новое описание' }).eq('user_id', ann.id)
    ok(res, 'update profile')
    assert.equal(res.status, 204, 'no return= preference: 204')
    assert.equal(res.data, null)
    const [p] = rows(await db.from('profiles').select('*').eq('user_id', ann.id), 'get profile')
    assert.equal(p.display_name, 'Новое имя')
    assert.equal(p.bio, 'Новое описание')
    assert.ok(Date.parse(p.updated_at) >= Date.parse(p.created_at), 'updated_at is maintained')
  })

  let artist
  await t.test('artists: insert with metadata, then select ordered by created_at desc', async () => {
    const res = await db
      .from('artists')
      .insert({ name: 'Название артиста', description: 'Описание', metadata: { genre: 'Electronic', location: 'Moscow' } })
    ok(res, 'insert artist')
    assert.equal(res.status, 201)
    assert.equal(res.data, null, 'no .select(): no body')
    await delay(20)
    artist = ok(
      await db.from('artists').insert({ name: 'Второй артист', metadata: { genre: 'Ambient' } }).select().single(),
      'insert artist with select',
    )
    assert.equal(artist.user_id, ann.id, 'user_id defaults to the caller')
    assert.deepEqual(artist.metadata, { genre: 'Ambient' })

    const data = rows(
      await db.from('artists').select('*').eq('user_id', ann.id).order('created_at', { ascending: false }),
      'get artists',
    )
    assert.deepEqual(data.map((a) => a.name), ['Второй артист', 'Название артиста'])
    assert.deepEqual(data[1].metadata, { genre: 'Electronic', location: 'Moscow' })
    assert.equal(data[1].description, 'Описание')
    assert.equal(data[1].avatar_url, null)
    for (const a of data) {
      assert.match(a.id, /^[0-9a-f-]{36}$/)
      assert.ok(!Number.isNaN(Date.parse(a.created_at)), 'created_at is a timestamp')
    }
  })

  let project
  await t.test('project insert', async () => {
    project = ok(
      await db
        .from('projects')
        .insert({ artist_id: artist.id, title: 'Название проекта', type: 'album', description: 'Описание проекта' })
        .select()
        .single(),
      'insert project',
    )
    assert.equal(project.artist_id, artist.id)
    assert.equal(project.title, 'Название проекта')
    assert.equal(project.type, 'album')
    assert.equal(project.status, 'draft', 'status defaults to draft')
    assert.deepEqual(project.metadata, {})
    assert.equal(project.cover_url, null)
  })

  let track
  await t.test('track insert with Russian lyrics', async () => {
    track = ok(
      await db
        .from('tracks')
        .insert({ project_id: project.id, title: 'Название трека', track_number: 1, lyrics: 'Текст песни' })
        .select()
        .single(),
      'insert track',
    )
    assert.equal(track.project_id, project.id)
    assert.equal(track.title, 'Название трека')
    assert.equal(track.track_number, 1)
    assert.equal(track.lyrics, 'Текст песни')
    assert.equal(track.duration, null)
    assert.equal(track.waveform_data, null)
    assert.deepEqual(track.metadata, {})
    const second = await db.from('tracks').insert({ project_id: project.id, title: 'Второй трек', track_number: 2 })
    ok(second, 'insert second track')
    assert.equal(second.status, 201)
  })

  await t.test('projects with tracks(*) by artist_id ordered by created_at desc', async () => {
    await delay(20)
    const newer = ok(
      await db.from('projects').insert({ artist_id: artist.id, title: 'Сингл', type: 'single' }).select('id').single(),
      'insert second project',
    )
    const data = rows(
      await db.from('projects').select('*, tracks(*)').eq('artist_id', artist.id).order('created_at', { ascending: false }),
      'get projects',
    )
    assert.deepEqual(data.map((p) => p.id), [newer.id, project.id])
    assert.deepEqual(data[0].tracks, [])
    const tracks = data[1].tracks
    assert.ok(Array.isArray(tracks), 'tracks is an array')
    assert.deepEqual(tracks.map((x) => x.track_number).sort(), [1, 2])
    const first = tracks.find((x) => x.track_number === 1)
    assert.equal(first.id, track.id)
    assert.equal(first.lyrics, 'Текст песни')
    assert.equal(data[1].title, 'Название проекта')
  })

  await t.test('tracks with track_versions(*) by project_id ordered by track_number', async () => {
    const data = rows(
      await db.from('tracks').select('*, track_versions(*)').eq('project_id', project.id).order('track_number'),
      'get tracks',
    )
    assert.deepEqual(numbers(data), [1, 2])
    assert.equal(data[0].title, 'Название трека')
    assert.deepEqual(data[0].track_versions, [])
    assert.deepEqual(data[1].track_versions, [])
  })

  await t.test('ai_generations history is an empty array', async () => {
    const data = rows(
      await db.from('ai_generations').select('*').eq('user_id', ann.id).order('created_at', { ascending: false }).limit(20),
      'get generations',
    )
    assert.deepEqual(data, [])
  })
})

// ---------------------------------------------------------------- 2. cURL examples

test('the document\'s cURL examples, run with fetch', async (t) => {
  const u = await signedUp('curl')
  const artist = ok(await u.client.from('artists').insert({ name: 'cURL artist' }).select().single(), 'insert artist')

  await t.test('GET /rest/v1/profiles?user_id=eq.{id} with Authorization and apikey', async () => {
    const res = await rawFetch(`/rest/v1/profiles?user_id=eq.${u.id}`, { headers: authHeaders(u.session) })
    assert.equal(res.status, 200, JSON.stringify(res.json))
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/)
    assert.ok(Array.isArray(res.json), 'an array')
    assert.equal(res.json.length, 1)
    assert.equal(res.json[0].user_id, u.id)
  })

  await t.test('POST /rest/v1/projects {artist_id, title, type} → 201', async () => {
    const res = await rawFetch('/rest/v1/projects', {
      method: 'POST',
      headers: authHeaders(u.session, { 'Content-Type': 'application/json' }),
      body: JSON.stringify({ artist_id: artist.id, title: 'My Album', type: 'album' }),
    })
    assert.equal(res.status, 201, JSON.stringify(res.json))
    const data = rows(await u.client.from('projects').select('*').eq('artist_id', artist.id), 'read back')
    assert.equal(data.length, 1)
    assert.equal(data[0].title, 'My Album')
    assert.equal(data[0].type, 'album')
    assert.equal(data[0].status, 'draft')
  })

  await t.test('the same with Prefer: return=representation answers the created row', async () => {
    const res = await rawFetch('/rest/v1/projects', {
      method: 'POST',
      headers: authHeaders(u.session, { 'Content-Type': 'application/json', Prefer: 'return=representation' }),
      body: JSON.stringify({ artist_id: artist.id, title: 'My Album', type: 'album' }),
    })
    assert.equal(res.status, 201, JSON.stringify(res.json))
    assert.ok(Array.isArray(res.json), `an array: ${JSON.stringify(res.json)}`)
    assert.equal(res.json.length, 1)
    const p = res.json[0]
    assert.match(p.id, /^[0-9a-f-]{36}$/)
    assert.equal(p.artist_id, artist.id)
    assert.equal(p.title, 'My Album')
    assert.equal(p.type, 'album')
    assert.equal(p.status, 'draft')
    assert.deepEqual(p.metadata, {})
    assert.ok(!Number.isNaN(Date.parse(p.created_at)))
    const data = rows(await u.client.from('projects').select('id').eq('artist_id', artist.id), 'read back')
    assert.equal(data.length, 2)
    assert.ok(data.some((r) => r.id === p.id))
  })

  await t.test('the GET with Prefer: return=representation too (the document sends it on every request)', async () => {
    const res = await rawFetch(`/rest/v1/profiles?user_id=eq.${u.id}`, {
      headers: authHeaders(u.session, { 'Content-Type': 'application/json', Prefer: 'return=representation' }),
    })
    assert.equal(res.status, 200, JSON.stringify(res.json))
    assert.equal(res.json.length, 1)
  })
})

// ---------------------------------------------------------------- 3. filter / modifier matrix

// The fixture: five tracks with mixed durations and lyrics.
const FIXTURE = [
  { title: 'Alpha', track_number: 1, duration: 120.5, lyrics: 'это текст песни' },
  { title: 'Beta', track_number: 2, duration: null, lyrics: null },
  { title: 'Gamma ray', track_number: 3, duration: 200, lyrics: 'Another Text' },
  { title: 'Delta', track_number: 4, duration: 90, lyrics: null },
  { title: 'Epsilon', track_number: 5, duration: null, lyrics: 'Другие слова' },
]

test('filters, ordering, ranges and modifiers', async (t) => {
  const u = await signedUp('matrix')
  const db = u.client
  const { artist, project, tracks } = await seed(u, { tracks: FIXTURE })
  assert.deepEqual(numbers(tracks), [1, 2, 3, 4, 5])
  // A second project of the same artist with one track, for !inner and embeds.
  const other = ok(
    await db.from('projects').insert({ artist_id: artist.id, title: 'Other', type: 'ep' }).select().single(),
    'insert other project',
  )
  ok(await db.from('tracks').insert({ project_id: other.id, title: 'Lonely', track_number: 1 }), 'insert other track')
  // A second artist with another genre.
  ok(await db.from('artists').insert({ name: 'Rock band', metadata: { genre: 'Rock' } }), 'insert rock artist')

  const tq = (cols = 'track_number') => db.from('tracks').select(cols).eq('project_id', project.id)
  const nums = async (q, what) => numbers(rows(await q, what)).sort((a, b) => a - b)

  const cases = [
    ['eq', tq().eq('track_number', 2), [2]],
    ['neq', tq().neq('track_number', 1), [2, 3, 4, 5]],
    ['gt', tq().gt('track_number', 3), [4, 5]],
    ['gte', tq().gte('track_number', 3), [3, 4, 5]],
    ['lt', tq().lt('track_number', 2), [1]],
    ['lte', tq().lte('track_number', 2), [1, 2]],
    ['gt on a double', tq().gt('duration', 100), [1, 3]],
    ['like (case-sensitive)', tq().like('title', '%amma%'), [3]],
    ['like does not fold case', tq().like('title', '%ALPHA%'), []],
    ['like with * wildcard', tq().like('title', 'Del*'), [4]],
    ['ilike', tq().ilike('title', '%ALPHA%'), [1]],
    ['ilike Cyrillic, case-insensitive', tq().ilike('lyrics', '%ТЕКСТ%'), [1]],
    ['ilike Latin on lyrics', tq().ilike('lyrics', '%text%'), [3]],
    ['like Cyrillic keeps case', tq().like('lyrics', '%ТЕКСТ%'), []],
    ['in', tq().in('track_number', [1, 3, 5]), [1, 3, 5]],
    ['in on text', tq().in('title', ['Beta', 'Gamma ray']), [2, 3]],
    ['is null', tq().is('duration', null), [2, 5]],
    ['not is null', tq().not('duration', 'is', null), [1, 3, 4]],
    ['not in', tq().not('track_number', 'in', '(1,2)'), [3, 4, 5]],
    ['not eq', tq().not('title', 'eq', 'Beta'), [1, 3, 4, 5]],
    ['or', tq().or('track_number.eq.1,track_number.eq.5'), [1, 5]],
    ['or with nested and', tq().or('track_number.eq.1,and(track_number.gt.3,duration.is.null)'), [1, 5]],
    ['or combined with another filter', tq().or('title.eq.Alpha,title.eq.Beta').gt('track_number', 1), [2]],
    ['match', tq().match({ track_number: 4, title: 'Delta' }), [4]],
    ['textSearch on title', tq().textSearch('title', 'ray'), [3]],
    ['textSearch websearch', tq().textSearch('title', 'gamma ray', { type: 'websearch' }), [3]],
    ['textSearch plain', tq().textSearch('title', 'gamma', { type: 'plain' }), [3]],
  ]
  for (const [name, q, want] of cases) {
    await t.test(name, async () => {
      assert.deepEqual(await nums(q, name), want)
    })
  }

  await t.test('contains on metadata', async () => {
    const data = rows(
      await db.from('artists').select('name, metadata').eq('user_id', u.id).contains('metadata', { genre: 'Electronic' }),
      'contains',
    )
    assert.deepEqual(data.map((a) => a.name), [artist.name])
  })

  await t.test('filter on a JSON path: metadata->>genre', async () => {
    const data = rows(await db.from('artists').select('name').eq('user_id', u.id).eq('metadata->>genre', 'Electronic'), 'json path')
    assert.deepEqual(data.map((a) => a.name), [artist.name])
    const rock = rows(await db.from('artists').select('name').eq('user_id', u.id).eq('metadata->>genre', 'Rock'), 'json path')
    assert.deepEqual(rock.map((a) => a.name), ['Rock band'])
  })

  await t.test('select a JSON path: metadata->genre', async () => {
    const data = rows(await db.from('artists').select('name, genre:metadata->>genre').eq('id', artist.id), 'select json path')
    assert.deepEqual(data, [{ name: artist.name, genre: 'Electronic' }])
  })

  await t.test('order asc / desc with nullsFirst', async () => {
    const order = async (opts) => numbers(rows(await tq().order('duration', opts).order('track_number'), 'order'))
    assert.deepEqual(await order({ ascending: true }), [4, 1, 3, 2, 5], 'asc: nulls last by default')
    assert.deepEqual(await order({ ascending: true, nullsFirst: true }), [2, 5, 4, 1, 3], 'asc nulls first')
    assert.deepEqual(await order({ ascending: false }), [2, 5, 3, 1, 4], 'desc: nulls first by default')
    assert.deepEqual(await order({ ascending: false, nullsFirst: false }), [3, 1, 4, 2, 5], 'desc nulls last')
  })

  await t.test('multiple order keys', async () => {
    const data = rows(
      await tq().order('duration', { ascending: true, nullsFirst: true }).order('track_number', { ascending: false }),
      'order',
    )
    assert.deepEqual(numbers(data), [5, 2, 4, 1, 3])
  })

  await t.test('order and limit on a referenced table', async () => {
    const data = rows(
      await db
        .from('projects')
        .select('id, tracks(track_number)')
        .eq('id', project.id)
        .order('track_number', { referencedTable: 'tracks', ascending: false })
        .limit(2, { referencedTable: 'tracks' }),
      'referenced order',
    )
    assert.equal(data.length, 1)
    assert.deepEqual(data[0].tracks, [{ track_number: 5 }, { track_number: 4 }])
  })

  await t.test('range(0,1), range(2,3), limit', async () => {
    assert.deepEqual(numbers(rows(await tq().order('track_number').range(0, 1), 'range')), [1, 2])
    assert.deepEqual(numbers(rows(await tq().order('track_number').range(2, 3), 'range')), [3, 4])
    assert.deepEqual(numbers(rows(await tq().order('track_number').range(4, 10), 'range')), [5])
    assert.deepEqual(numbers(rows(await tq().order('track_number').limit(3), 'limit')), [1, 2, 3])
    assert.deepEqual(rows(await tq().order('track_number').range(10, 11), 'range past the end'), [])
  })

  await t.test('single() on exactly one row → the object', async () => {
    const res = await db.from('tracks').select('id, title, track_number').eq('id', tracks[0].id).single()
    const data = ok(res, 'single')
    assert.ok(!Array.isArray(data), 'an object, not an array')
    assert.deepEqual(data, { id: tracks[0].id, title: 'Alpha', track_number: 1 })
    assert.equal(res.status, 200)
  })

  await t.test('single() on 0 rows → 406 PGRST116', async () => {
    const res = await tq().eq('track_number', 99).single()
    assertPgError(res, { status: 406, code: 'PGRST116' }, 'single on 0')
  })

  await t.test('single() on 2 rows → 406 PGRST116', async () => {
    const res = await tq().lte('track_number', 2).single()
    assertPgError(res, { status: 406, code: 'PGRST116' }, 'single on 2')
  })

  await t.test('maybeSingle() on 0 rows → data null, no error', async () => {
    const res = await tq().eq('track_number', 99).maybeSingle()
    assert.equal(res.error, null)
    assert.equal(res.data, null)
    const one = ok(await tq('title').eq('track_number', 3).maybeSingle(), 'maybeSingle on 1')
    assert.deepEqual(one, { title: 'Gamma ray' })
  })

  await t.test('count exact with head:true → a number, no rows', async () => {
    const res = await db.from('tracks').select('*', { count: 'exact', head: true }).eq('project_id', project.id)
    assert.equal(res.error, null, JSON.stringify(res.error))
    assert.equal(res.count, 5)
    assert.equal(res.data, null)
    const zero = await db.from('tracks').select('*', { count: 'exact', head: true }).eq('project_id', project.id).gt('track_number', 99)
    assert.equal(zero.error, null)
    assert.equal(zero.count, 0)
  })

  await t.test('count exact with a range → the total and the page', async () => {
    const res = await db
      .from('tracks')
      .select('track_number', { count: 'exact' })
      .eq('project_id', project.id)
      .order('track_number')
      .range(0, 1)
    const data = ok(res, 'count with range')
    assert.deepEqual(numbers(data), [1, 2])
    assert.equal(res.count, 5)
  })

  await t.test('csv() answers text with a header line', async () => {
    const res = await db.from('tracks').select('track_number,title').eq('project_id', project.id).order('track_number').csv()
    const text = ok(res, 'csv')
    assert.equal(typeof text, 'string')
    const lines = text.trim().split(/\r?\n/)
    assert.equal(lines[0], 'track_number,title')
    assert.equal(lines.length, 6)
    assert.equal(lines[1], '1,Alpha')
    assert.equal(lines[3], '3,Gamma ray')
  })

  await t.test('embedding parents: project:projects(title, artist:artists(name))', async () => {
    const data = ok(
      await db.from('tracks').select('title, project:projects(title, artist:artists(name))').eq('id', tracks[2].id).single(),
      'embed parents',
    )
    assert.deepEqual(data, { title: 'Gamma ray', project: { title: project.title, artist: { name: artist.name } } })
  })

  await t.test('!inner embed filters the parents', async () => {
    const all = rows(await db.from('projects').select('id, tracks(id)').eq('artist_id', artist.id), 'no inner')
    assert.equal(all.length, 2)
    const data = rows(
      await db.from('projects').select('id, tracks!inner(title)').eq('artist_id', artist.id).eq('tracks.title', 'Gamma ray'),
      'inner',
    )
    assert.equal(data.length, 1)
    assert.equal(data[0].id, project.id)
    assert.deepEqual(data[0].tracks, [{ title: 'Gamma ray' }])
    const none = rows(
      await db.from('projects').select('id, tracks!inner(id)').eq('artist_id', artist.id).eq('tracks.track_number', 99),
      'inner none',
    )
    assert.deepEqual(none, [])
    // Without !inner the embed filter only trims the children.
    const outer = rows(
      await db.from('projects').select('id, tracks(title)').eq('artist_id', artist.id).eq('tracks.title', 'Gamma ray'),
      'outer',
    )
    assert.equal(outer.length, 2)
  })

  await t.test(
    'an embedded count: select(\'id, tracks(count)\')',
    async () => {
      const data = rows(
        await db.from('projects').select('id, tracks(count)').eq('artist_id', artist.id).order('title'),
        'embedded count',
      )
      assert.deepEqual(data, [
        { id: other.id, tracks: [{ count: 1 }] },
        { id: project.id, tracks: [{ count: 5 }] },
      ])
    },
  )
})

test('a timestamp the server returned filters that row exactly', async (t) => {
  const u = await signedUp('stamps')
  const { project } = await seed(u)
  const made = []
  for (const n of [1, 2, 3]) {
    if (n > 1) await delay(15)
    made.push(ok(await u.client.from('tracks').insert({ project_id: project.id, title: 'T' + n, track_number: n }).select().single(), 'insert'))
  }
  const tq = () => u.client.from('tracks').select('track_number').eq('project_id', project.id).order('created_at')

  await t.test('eq, gt and lte on created_at', async () => {
    const mid = made[1].created_at
    assert.deepEqual(numbers(rows(await tq().eq('created_at', mid), 'eq')), [2], `eq ${mid}`)
    assert.deepEqual(numbers(rows(await tq().gt('created_at', mid), 'gt')), [3], `gt ${mid}`)
    assert.deepEqual(numbers(rows(await tq().lte('created_at', mid), 'lte')), [1, 2], `lte ${mid}`)
  })

  await t.test('keyset pagination by created_at visits each row once', async () => {
    const seen = []
    let cursor = null
    for (let i = 0; i < 5; i++) {
      let q = u.client.from('tracks').select('track_number, created_at').eq('project_id', project.id)
      if (cursor) q = q.gt('created_at', cursor)
      const page = rows(await q.order('created_at').limit(1), 'page')
      if (page.length === 0) break
      seen.push(page[0].track_number)
      cursor = page[0].created_at
    }
    assert.deepEqual(seen, [1, 2, 3])
  })
})

test('writes: insert arrays, upsert, update, delete', async (t) => {
  const u = await signedUp('writes')
  const db = u.client
  const { project, tracks } = await seed(u, { tracks: FIXTURE.slice(0, 3) })
  const titles = async () =>
    rows(await db.from('tracks').select('track_number, title').eq('project_id', project.id).order('track_number'), 'titles')

  await t.test('insert an array of rows with select()', async () => {
    const res = await db
      .from('tracks')
      .insert([
        { project_id: project.id, title: 'Zeta', track_number: 6 },
        { project_id: project.id, title: 'Eta', track_number: 7, lyrics: 'Слова' },
      ])
      .select('title, track_number, lyrics')
    const data = ok(res, 'insert array')
    assert.equal(res.status, 201)
    assert.deepEqual(data.sort((a, b) => a.track_number - b.track_number), [
      { title: 'Zeta', track_number: 6, lyrics: null },
      { title: 'Eta', track_number: 7, lyrics: 'Слова' },
    ])
  })

  await t.test('an array with a duplicate row inserts nothing (409 23505)', async () => {
    const res = await db.from('tracks').insert([
      { project_id: project.id, title: 'New', track_number: 8 },
      { project_id: project.id, title: 'Dup', track_number: 1 },
    ])
    assertPgError(res, { status: 409, code: '23505' }, 'array with duplicate')
    const data = rows(await db.from('tracks').select('id').eq('project_id', project.id).eq('track_number', 8), 'after')
    assert.deepEqual(data, [])
  })

  await t.test('an array with an invalid row inserts nothing (400)', async () => {
    const res = await db.from('tracks').insert([
      { project_id: project.id, title: 'Fine', track_number: 8 },
      { project_id: project.id, title: 'x'.repeat(201), track_number: 9 },
    ])
    assertPgError(res, { status: 400, code: 'VALIDATION_VALUE_TOO_LONG' }, 'array with a too long title')
    const data = rows(await db.from('tracks').select('id').eq('project_id', project.id).in('track_number', [8, 9]), 'after')
    assert.deepEqual(data, [])
  })

  await t.test('upsert with onConflict project_id,track_number merges', async () => {
    const res = await db
      .from('tracks')
      .upsert({ project_id: project.id, track_number: 1, title: 'Alpha (remaster)' }, { onConflict: 'project_id,track_number' })
      .select()
    const data = ok(res, 'upsert merge')
    assert.equal(data.length, 1)
    assert.equal(data[0].id, tracks[0].id, 'the existing row is updated, not replaced')
    assert.equal(data[0].title, 'Alpha (remaster)')
    assert.equal(data[0].duration, 120.5, 'columns not given keep their value')
    assert.equal(data[0].lyrics, 'это текст песни')
    // An array: one existing, one new.
    const arr = ok(
      await db
        .from('tracks')
        .upsert(
          [
            { project_id: project.id, track_number: 2, title: 'Beta (live)' },
            { project_id: project.id, track_number: 10, title: 'Kappa' },
          ],
          { onConflict: 'project_id,track_number' },
        )
        .select('id, track_number, title'),
      'upsert array',
    )
    arr.sort((a, b) => a.track_number - b.track_number)
    assert.deepEqual(arr.map((r) => [r.track_number, r.title]), [[2, 'Beta (live)'], [10, 'Kappa']])
    assert.equal(arr[0].id, tracks[1].id)
    const count = await db.from('tracks').select('*', { count: 'exact', head: true }).eq('project_id', project.id)
    assert.equal(count.count, 6, '3 seeded + 2 inserted + 1 upserted')
  })

  await t.test('upsert with ignoreDuplicates leaves existing rows', async () => {
    const res = await db
      .from('tracks')
      .upsert(
        [
          { project_id: project.id, track_number: 3, title: 'Ignored' },
          { project_id: project.id, track_number: 11, title: 'Lambda' },
        ],
        { onConflict: 'project_id,track_number', ignoreDuplicates: true },
      )
      .select('track_number, title')
    const data = ok(res, 'upsert ignore')
    assert.deepEqual(data, [{ track_number: 11, title: 'Lambda' }], 'only the new row is returned')
    const t3 = ok(await db.from('tracks').select('title').eq('project_id', project.id).eq('track_number', 3).single(), 't3')
    assert.equal(t3.title, 'Gamma ray')
  })

  await t.test('update().eq().select() returns the updated rows', async () => {
    const res = await db
      .from('tracks')
      .update({ lyrics: 'Новый текст' })
      .eq('project_id', project.id)
      .lte('track_number', 2)
      .select('track_number, lyrics')
    const data = ok(res, 'update select')
    assert.equal(res.status, 200)
    assert.deepEqual(data.sort((a, b) => a.track_number - b.track_number), [
      { track_number: 1, lyrics: 'Новый текст' },
      { track_number: 2, lyrics: 'Новый текст' },
    ])
    const none = ok(
      await db.from('tracks').update({ lyrics: 'x' }).eq('project_id', project.id).eq('track_number', 99).select(),
      'update nothing',
    )
    assert.deepEqual(none, [])
  })

  await t.test('update sets updated_at', async () => {
    const before = ok(await db.from('tracks').select('updated_at').eq('id', tracks[2].id).single(), 'before')
    await delay(20)
    const after = ok(
      await db.from('tracks').update({ duration: 201 }).eq('id', tracks[2].id).select('updated_at, duration').single(),
      'after',
    )
    assert.equal(after.duration, 201)
    assert.ok(Date.parse(after.updated_at) > Date.parse(before.updated_at), `${after.updated_at} > ${before.updated_at}`)
  })

  await t.test('delete().eq() removes the row', async () => {
    const lambda = ok(await db.from('tracks').select('id').eq('project_id', project.id).eq('track_number', 11).single(), 'lambda')
    const res = await db.from('tracks').delete().eq('id', lambda.id)
    ok(res, 'delete')
    assert.equal(res.status, 204)
    assert.deepEqual(rows(await db.from('tracks').select('id').eq('id', lambda.id), 'gone'), [])
    // delete().select() returns what it deleted.
    const kappa = ok(
      await db.from('tracks').delete().eq('project_id', project.id).eq('track_number', 10).select('title'),
      'delete select',
    )
    assert.deepEqual(kappa, [{ title: 'Kappa' }])
  })

  await t.test('update or delete without a filter → 400, nothing changed', async () => {
    const upd = await db.from('tracks').update({ title: 'everything' })
    assertPgError(upd, { status: 400, code: '21000' }, 'unfiltered update')
    const del = await db.from('tracks').delete()
    assertPgError(del, { status: 400, code: '21000' }, 'unfiltered delete')
    const data = await titles()
    assert.equal(data.length, 5)
    assert.ok(!data.some((r) => r.title === 'everything'))
  })
})

// ---------------------------------------------------------------- 4. row rules

test('row rules through supabase-js', async (t) => {
  const ann = await signedUp('owner')
  const bob = await signedUp('other')
  const anon = newClient()
  const draft = await seed(ann, { status: 'draft', tracks: [{ title: 'Secret', track_number: 1 }] })
  const pub = await seed(ann, {
    status: 'published',
    artist: { name: 'Public artist' },
    tracks: [
      { title: 'Hit', track_number: 1 },
      { title: 'B-side', track_number: 2 },
    ],
  })

  await t.test('another user cannot see a draft project', async () => {
    assert.deepEqual(rows(await bob.client.from('projects').select('*').eq('id', draft.project.id), 'draft'), [])
    assert.deepEqual(rows(await bob.client.from('tracks').select('*').eq('project_id', draft.project.id), 'draft tracks'), [])
    assert.deepEqual(rows(await bob.client.from('artists').select('*').eq('id', draft.artist.id), 'draft artist'), [])
    const single = await bob.client.from('projects').select('*').eq('id', draft.project.id).single()
    assertPgError(single, { status: 406, code: 'PGRST116' }, 'single on a hidden row')
  })

  await t.test('another user sees a published project with its tracks and artist', async () => {
    const data = rows(
      await bob.client
        .from('projects')
        .select('id, title, status, tracks(title, track_number), artist:artists(name)')
        .eq('id', pub.project.id)
        .order('track_number', { referencedTable: 'tracks' }),
      'published',
    )
    assert.equal(data.length, 1)
    assert.equal(data[0].status, 'published')
    assert.deepEqual(data[0].tracks, [
      { title: 'Hit', track_number: 1 },
      { title: 'B-side', track_number: 2 },
    ])
    assert.deepEqual(data[0].artist, { name: 'Public artist' })
    // The owner's view of both projects, for contrast.
    const mine = rows(await ann.client.from('projects').select('id').in('id', [draft.project.id, pub.project.id]), 'owner')
    assert.equal(mine.length, 2)
  })

  await t.test('the anonymous client sees published content only', async () => {
    const data = rows(
      await anon.from('projects').select('id, tracks(id)').in('id', [draft.project.id, pub.project.id]),
      'anon projects',
    )
    assert.deepEqual(data.map((p) => p.id), [pub.project.id])
    assert.equal(data[0].tracks.length, 2)
    assert.deepEqual(rows(await anon.from('tracks').select('id').eq('project_id', draft.project.id), 'anon draft tracks'), [])
    const artists = rows(await anon.from('artists').select('id').in('id', [draft.artist.id, pub.artist.id]), 'anon artists')
    assert.deepEqual(artists.map((a) => a.id), [pub.artist.id])
    const profiles = rows(await anon.from('profiles').select('user_id').eq('user_id', ann.id), 'anon profile')
    assert.equal(profiles.length, 1, 'profiles are public')
  })

  await t.test('another user\'s update and delete affect nothing', async () => {
    const track = pub.tracks[0]
    const upd = await bob.client.from('tracks').update({ title: 'hijacked' }).eq('id', track.id).select()
    assert.deepEqual(ok(upd, 'foreign update'), [])
    const upd2 = await bob.client.from('projects').update({ title: 'hijacked' }).eq('id', draft.project.id)
    ok(upd2, 'foreign update of a hidden row')
    const del = await bob.client.from('projects').delete().eq('id', pub.project.id)
    ok(del, 'foreign delete')
    const del2 = await bob.client.from('tracks').delete().eq('id', track.id).select()
    assert.deepEqual(ok(del2, 'foreign delete select'), [])
    const del3 = await bob.client.from('profiles').delete().eq('user_id', ann.id)
    ok(del3, 'foreign profile delete')
    const prof = await bob.client.from('profiles').update({ bio: 'hijacked' }).eq('user_id', ann.id).select()
    assert.deepEqual(ok(prof, 'foreign profile update'), [])

    const t1 = ok(await ann.client.from('tracks').select('title').eq('id', track.id).single(), 'owner track')
    assert.equal(t1.title, 'Hit')
    const projects = rows(
      await ann.client.from('projects').select('id, title').in('id', [draft.project.id, pub.project.id]).order('title'),
      'owner projects',
    )
    assert.deepEqual(projects.map((p) => p.title).sort(), ['Project draft', 'Project published'])
    const p = ok(await ann.client.from('profiles').select('bio').eq('user_id', ann.id).single(), 'owner profile')
    assert.equal(p.bio, null)
  })

  await t.test('inserting a track into another user\'s project → 403', async () => {
    for (const target of [pub.project.id, draft.project.id]) {
      const res = await bob.client.from('tracks').insert({ project_id: target, title: 'Intruder', track_number: 9 })
      assertPgError(res, { status: 403 }, 'foreign parent insert')
    }
    const res = await bob.client.from('projects').insert({ artist_id: pub.artist.id, title: 'Intruder', type: 'single' })
    assertPgError(res, { status: 403 }, 'foreign artist insert')
    const res2 = await bob.client.from('artists').insert({ name: 'Intruder', user_id: ann.id })
    assertPgError(res2, { status: 403 }, 'foreign user_id insert')
    const data = rows(await ann.client.from('tracks').select('id').eq('track_number', 9).in('project_id', [pub.project.id, draft.project.id]), 'after')
    assert.deepEqual(data, [])
  })

  await t.test('an upsert over another user\'s row changes nothing', async () => {
    const bobArtist = ok(await bob.client.from('artists').insert({ name: 'Bob' }).select().single(), 'bob artist')
    const bobProject = ok(
      await bob.client.from('projects').insert({ artist_id: bobArtist.id, title: 'Bob project', type: 'single' }).select().single(),
      'bob project',
    )
    const track = pub.tracks[1]
    await bob.client
      .from('tracks')
      .upsert({ id: track.id, project_id: bobProject.id, title: 'stolen', track_number: 7 })
      .select()
    await bob.client.from('artists').upsert({ id: pub.artist.id, name: 'stolen' }).select()
    const t2 = ok(await ann.client.from('tracks').select('title, project_id, track_number').eq('id', track.id).single(), 'owner track')
    assert.deepEqual(t2, { title: 'B-side', project_id: pub.project.id, track_number: 2 })
    const a = ok(await ann.client.from('artists').select('name, user_id').eq('id', pub.artist.id).single(), 'owner artist')
    assert.deepEqual(a, { name: 'Public artist', user_id: ann.id })
  })

  await t.test(
    'an upsert over another user\'s row → 403 (PostgreSQL RLS refuses the conflicting row)',
    async () => {
      const res = await bob.client.from('artists').upsert({ id: pub.artist.id, name: 'stolen' }).select()
      assertPgError(res, { status: 403, code: '42501' }, 'foreign upsert')
    },
  )

  await t.test('inserting into ai_generations → 403', async () => {
    const res = await ann.client.from('ai_generations').insert({ prompt: 'a song', service: 'suno', project_id: draft.project.id })
    assertPgError(res, { status: 403 }, 'ai_generations insert')
    const data = rows(await ann.client.from('ai_generations').select('id').eq('user_id', ann.id), 'generations')
    assert.deepEqual(data, [])
  })

  await t.test('the anonymous client cannot write', async () => {
    const res = await anon.from('artists').insert({ name: 'Anon' })
    assert.ok(res.error, 'an error')
    assertErrorShape(res.error, 'anon insert')
    assert.ok(res.status === 401 || res.status === 403, `401 or 403, got ${res.status}`)
  })
})

// ---------------------------------------------------------------- 5. error shapes

test('error shapes', async (t) => {
  const u = await signedUp('errors')
  const db = u.client
  const { artist, project } = await seed(u, { tracks: [{ title: 'One', track_number: 1 }] })

  await t.test('an invalid uuid filter → 400 VALIDATION_INVALID_FORMAT', async () => {
    assertPgError(await db.from('tracks').select('*').eq('id', 'not-a-uuid'), { status: 400, code: 'VALIDATION_INVALID_FORMAT' }, 'bad uuid')
    assertPgError(
      await db.from('tracks').select('*').eq('track_number', 'one'),
      { status: 400, code: 'VALIDATION_INVALID_FORMAT' },
      'bad integer',
    )
  })

  await t.test('an unknown column → PGRST204', async () => {
    assertPgError(await db.from('tracks').select('nope'), { status: 400, code: 'PGRST204' }, 'select unknown column')
    assertPgError(await db.from('tracks').select('*').eq('nope', 1), { status: 400, code: 'PGRST204' }, 'filter unknown column')
    assertPgError(
      await db.from('tracks').insert({ project_id: project.id, title: 'x', track_number: 5, nope: 1 }),
      { status: 400, code: 'PGRST204' },
      'insert unknown column',
    )
    assertPgError(await db.from('tracks').select('*').order('nope'), { status: 400, code: 'PGRST204' }, 'order unknown column')
  })

  await t.test('an unknown table → 404 PGRST205', async () => {
    assertPgError(await db.from('songs').select('*'), { status: 404, code: 'PGRST205' }, 'unknown table')
    assertPgError(await db.from('auth_users').select('*'), { status: 404, code: 'PGRST205' }, 'internal table')
  })

  await t.test('a duplicate track_number → 409 23505', async () => {
    assertPgError(
      await db.from('tracks').insert({ project_id: project.id, title: 'Again', track_number: 1 }),
      { status: 409, code: '23505' },
      'duplicate',
    )
  })

  await t.test('a missing required field → 400 VALIDATION_REQUIRED_FIELD', async () => {
    assertPgError(
      await db.from('artists').insert({ description: 'no name' }),
      { status: 400, code: 'VALIDATION_REQUIRED_FIELD' },
      'artist without name',
    )
    assertPgError(
      await db.from('artists').insert({ name: null }),
      { status: 400, code: 'VALIDATION_REQUIRED_FIELD' },
      'artist with null name',
    )
    assertPgError(
      await db.from('projects').insert({ artist_id: artist.id, title: 'No type' }),
      { status: 400, code: 'VALIDATION_REQUIRED_FIELD' },
      'project without type',
    )
  })

  await t.test('a title over 200 characters → 400 VALIDATION_VALUE_TOO_LONG', async () => {
    assertPgError(
      await db.from('projects').insert({ artist_id: artist.id, title: 'я'.repeat(201), type: 'album' }),
      { status: 400, code: 'VALIDATION_VALUE_TOO_LONG' },
      'too long title',
    )
    // Exactly 200 characters (Cyrillic, 400 bytes) is fine.
    ok(await db.from('projects').insert({ artist_id: artist.id, title: 'я'.repeat(200), type: 'album' }), '200 chars')
    assertPgError(
      await db.from('tracks').update({ title: 'x'.repeat(201) }).eq('project_id', project.id),
      { status: 400, code: 'VALIDATION_VALUE_TOO_LONG' },
      'too long title on update',
    )
  })

  await t.test('a bad enum value → 400 VALIDATION_INVALID_FORMAT', async () => {
    assertPgError(
      await db.from('projects').insert({ artist_id: artist.id, title: 'LP', type: 'lp' }),
      { status: 400, code: 'VALIDATION_INVALID_FORMAT' },
      'project type lp',
    )
    assertPgError(
      await db.from('projects').update({ status: 'deleted' }).eq('id', project.id),
      { status: 400, code: 'VALIDATION_INVALID_FORMAT' },
      'project status deleted',
    )
  })

  await t.test(
    'an operator that does not fit the column type is a 4xx, never a 500',
    async () => {
      const res = await db.from('tracks').select('id').eq('project_id', project.id).is('lyrics', true)
      assert.ok(res.status < 500, `status ${res.status}: ${JSON.stringify(res.error)}`)
      if (res.error) assertErrorShape(res.error, 'is.true on text')
    },
  )

  await t.test('failed writes changed nothing', async () => {
    const projects = rows(await db.from('projects').select('title, type, status').eq('artist_id', artist.id), 'projects')
    assert.equal(projects.length, 2)
    assert.ok(projects.every((p) => p.type === 'album' && p.status === 'draft'))
    const tracks = rows(await db.from('tracks').select('title').eq('project_id', project.id), 'tracks')
    assert.deepEqual(tracks, [{ title: 'One' }])
  })
})
