-- Tunebase schema, SQLite side. It declares the same tables, columns, types
-- and constraints as ../postgres/0001_init.sql. Declared types carry the
-- logical type (uuid, timestamptz, jsonb, boolean) for the schema catalog;
-- values are stored as text, integers and reals.

-- Ids default to a random version-4 UUID and timestamps to RFC 3339 UTC with
-- milliseconds, both built from SQLite's own functions.

-- Auth -----------------------------------------------------------------------

CREATE TABLE auth_users (
  id                 uuid PRIMARY KEY NOT NULL DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
  email              text NOT NULL UNIQUE CHECK (email = lower(email)),
  encrypted_password text NOT NULL,
  email_confirmed_at timestamptz,
  raw_user_meta_data jsonb NOT NULL DEFAULT '{}' CHECK (json_valid(raw_user_meta_data) AND json_type(raw_user_meta_data) = 'object'),
  raw_app_meta_data  jsonb NOT NULL DEFAULT '{}' CHECK (json_valid(raw_app_meta_data) AND json_type(raw_app_meta_data) = 'object'),
  last_sign_in_at    timestamptz,
  created_at         timestamptz NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at         timestamptz NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE auth_sessions (
  id           uuid PRIMARY KEY NOT NULL DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
  user_id      uuid NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
  user_agent   text,
  ip           text,
  refreshed_at timestamptz,
  created_at   timestamptz NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at   timestamptz NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX auth_sessions_user_id_idx ON auth_sessions (user_id);

CREATE TABLE auth_refresh_tokens (
  id         integer PRIMARY KEY AUTOINCREMENT,
  token_hash text NOT NULL UNIQUE,
  user_id    uuid NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
  session_id uuid NOT NULL REFERENCES auth_sessions (id) ON DELETE CASCADE,
  parent     text,
  revoked    boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at timestamptz NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX auth_refresh_tokens_session_id_idx ON auth_refresh_tokens (session_id);

-- Content --------------------------------------------------------------------

CREATE TABLE profiles (
  id           uuid PRIMARY KEY NOT NULL DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
  user_id      uuid NOT NULL UNIQUE REFERENCES auth_users (id) ON DELETE CASCADE,
  display_name text,
  avatar_url   text,
  bio          text,
  created_at   timestamptz NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at   timestamptz NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE artists (
  id          uuid PRIMARY KEY NOT NULL DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
  user_id     uuid NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
  name        text NOT NULL,
  description text,
  avatar_url  text,
  metadata    jsonb NOT NULL DEFAULT '{}' CHECK (json_valid(metadata) AND json_type(metadata) = 'object'),
  created_at  timestamptz NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at  timestamptz NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX artists_user_id_idx ON artists (user_id);
CREATE INDEX artists_created_at_idx ON artists (created_at);

CREATE TABLE projects (
  id          uuid PRIMARY KEY NOT NULL DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
  artist_id   uuid NOT NULL REFERENCES artists (id) ON DELETE CASCADE,
  user_id     uuid NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
  title       text NOT NULL,
  description text,
  type        text NOT NULL CHECK (type IN ('album', 'single', 'ep')),
  cover_url   text,
  status      text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'archived')),
  metadata    jsonb NOT NULL DEFAULT '{}' CHECK (json_valid(metadata) AND json_type(metadata) = 'object'),
  created_at  timestamptz NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at  timestamptz NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX projects_artist_id_idx ON projects (artist_id, created_at);
CREATE INDEX projects_user_id_idx ON projects (user_id);
CREATE INDEX projects_created_at_idx ON projects (created_at);
CREATE INDEX projects_status_idx ON projects (status);

CREATE TABLE tracks (
  id            uuid PRIMARY KEY NOT NULL DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
  project_id    uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  user_id       uuid NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
  title         text NOT NULL,
  track_number  integer NOT NULL CHECK (track_number >= 1),
  duration      double precision CHECK (duration >= 0),
  audio_url     text,
  waveform_data jsonb CHECK (json_valid(waveform_data) AND json_type(waveform_data) = 'array'),
  lyrics        text,
  metadata      jsonb NOT NULL DEFAULT '{}' CHECK (json_valid(metadata) AND json_type(metadata) = 'object'),
  created_at    timestamptz NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at    timestamptz NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  CONSTRAINT tracks_project_id_track_number_key UNIQUE (project_id, track_number)
);
CREATE INDEX tracks_user_id_idx ON tracks (user_id);
CREATE INDEX tracks_created_at_idx ON tracks (created_at);

CREATE TABLE ai_generations (
  id            uuid PRIMARY KEY NOT NULL DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
  user_id       uuid NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
  project_id    uuid REFERENCES projects (id) ON DELETE SET NULL,
  track_id      uuid REFERENCES tracks (id) ON DELETE SET NULL,
  service       text NOT NULL CHECK (service IN ('suno', 'mureka', 'openai', 'local')),
  engine        text,
  prompt        text NOT NULL,
  parameters    jsonb NOT NULL DEFAULT '{}' CHECK (json_valid(parameters) AND json_type(parameters) = 'object'),
  status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'processing', 'completed', 'failed')),
  progress      integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  result_url    text,
  error_message text,
  external_id   text,
  created_at    timestamptz NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at    timestamptz NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  completed_at  timestamptz
);
CREATE INDEX ai_generations_user_id_idx ON ai_generations (user_id, created_at);
CREATE INDEX ai_generations_track_id_idx ON ai_generations (track_id);
CREATE INDEX ai_generations_project_id_idx ON ai_generations (project_id);

CREATE TABLE track_versions (
  id             uuid PRIMARY KEY NOT NULL DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
  track_id       uuid NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
  user_id        uuid NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
  version_number integer NOT NULL CHECK (version_number >= 1),
  audio_url      text,
  duration       double precision CHECK (duration >= 0),
  waveform_data  jsonb CHECK (json_valid(waveform_data) AND json_type(waveform_data) = 'array'),
  generation_id  uuid REFERENCES ai_generations (id) ON DELETE SET NULL,
  source         text NOT NULL DEFAULT 'upload' CHECK (source IN ('upload', 'generation')),
  metadata       jsonb NOT NULL DEFAULT '{}' CHECK (json_valid(metadata) AND json_type(metadata) = 'object'),
  created_at     timestamptz NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  CONSTRAINT track_versions_track_id_version_number_key UNIQUE (track_id, version_number)
);
CREATE INDEX track_versions_user_id_idx ON track_versions (user_id);
CREATE INDEX track_versions_generation_id_idx ON track_versions (generation_id);

-- Owner consistency (see the PostgreSQL side).

CREATE TRIGGER projects_owner_insert BEFORE INSERT ON projects
WHEN NEW.user_id IS NOT (SELECT user_id FROM artists WHERE id = NEW.artist_id)
 AND EXISTS (SELECT 1 FROM artists WHERE id = NEW.artist_id)
BEGIN SELECT RAISE(ABORT, 'owner of projects must match its parent'); END;
CREATE TRIGGER projects_owner_update BEFORE UPDATE OF user_id, artist_id ON projects
WHEN NEW.user_id IS NOT (SELECT user_id FROM artists WHERE id = NEW.artist_id)
 AND EXISTS (SELECT 1 FROM artists WHERE id = NEW.artist_id)
BEGIN SELECT RAISE(ABORT, 'owner of projects must match its parent'); END;

CREATE TRIGGER tracks_owner_insert BEFORE INSERT ON tracks
WHEN NEW.user_id IS NOT (SELECT user_id FROM projects WHERE id = NEW.project_id)
 AND EXISTS (SELECT 1 FROM projects WHERE id = NEW.project_id)
BEGIN SELECT RAISE(ABORT, 'owner of tracks must match its parent'); END;
CREATE TRIGGER tracks_owner_update BEFORE UPDATE OF user_id, project_id ON tracks
WHEN NEW.user_id IS NOT (SELECT user_id FROM projects WHERE id = NEW.project_id)
 AND EXISTS (SELECT 1 FROM projects WHERE id = NEW.project_id)
BEGIN SELECT RAISE(ABORT, 'owner of tracks must match its parent'); END;

CREATE TRIGGER track_versions_owner_insert BEFORE INSERT ON track_versions
WHEN NEW.user_id IS NOT (SELECT user_id FROM tracks WHERE id = NEW.track_id)
 AND EXISTS (SELECT 1 FROM tracks WHERE id = NEW.track_id)
BEGIN SELECT RAISE(ABORT, 'owner of track_versions must match its parent'); END;
CREATE TRIGGER track_versions_owner_update BEFORE UPDATE OF user_id, track_id ON track_versions
WHEN NEW.user_id IS NOT (SELECT user_id FROM tracks WHERE id = NEW.track_id)
 AND EXISTS (SELECT 1 FROM tracks WHERE id = NEW.track_id)
BEGIN SELECT RAISE(ABORT, 'owner of track_versions must match its parent'); END;

CREATE TRIGGER artists_owner_cascade AFTER UPDATE OF user_id ON artists
WHEN NEW.user_id IS NOT OLD.user_id
BEGIN UPDATE projects SET user_id = NEW.user_id WHERE artist_id = NEW.id; END;
CREATE TRIGGER projects_owner_cascade AFTER UPDATE OF user_id ON projects
WHEN NEW.user_id IS NOT OLD.user_id
BEGIN UPDATE tracks SET user_id = NEW.user_id WHERE project_id = NEW.id; END;
CREATE TRIGGER tracks_owner_cascade AFTER UPDATE OF user_id ON tracks
WHEN NEW.user_id IS NOT OLD.user_id
BEGIN UPDATE track_versions SET user_id = NEW.user_id WHERE track_id = NEW.id; END;

-- Storage --------------------------------------------------------------------

CREATE TABLE storage_buckets (
  id                 text PRIMARY KEY NOT NULL,
  name               text NOT NULL UNIQUE,
  owner              uuid REFERENCES auth_users (id) ON DELETE SET NULL,
  public             boolean NOT NULL DEFAULT false,
  file_size_limit    bigint CHECK (file_size_limit > 0),
  allowed_mime_types jsonb CHECK (json_valid(allowed_mime_types) AND json_type(allowed_mime_types) = 'array'),
  created_at         timestamptz NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at         timestamptz NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE storage_objects (
  id               uuid PRIMARY KEY NOT NULL DEFAULT (lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
  bucket_id        text NOT NULL REFERENCES storage_buckets (id) ON DELETE CASCADE,
  name             text NOT NULL,
  owner            uuid REFERENCES auth_users (id) ON DELETE SET NULL,
  size             bigint NOT NULL DEFAULT 0 CHECK (size >= 0),
  content_type     text,
  checksum         text,
  metadata         jsonb NOT NULL DEFAULT '{}' CHECK (json_valid(metadata) AND json_type(metadata) = 'object'),
  created_at       timestamptz NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at       timestamptz NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  last_accessed_at timestamptz,
  CONSTRAINT storage_objects_bucket_id_name_key UNIQUE (bucket_id, name)
);
CREATE INDEX storage_objects_owner_idx ON storage_objects (owner);

CREATE TABLE storage_usage (
  user_id    uuid PRIMARY KEY NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
  used_bytes bigint NOT NULL DEFAULT 0 CHECK (used_bytes >= 0),
  updated_at timestamptz NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

INSERT INTO storage_buckets (id, name, public) VALUES
  ('audio', 'audio', false),
  ('covers', 'covers', true),
  ('avatars', 'avatars', true)
ON CONFLICT (id) DO NOTHING;
CREATE TRIGGER auth_users_updated_at AFTER UPDATE ON auth_users FOR EACH ROW WHEN NEW.updated_at IS OLD.updated_at
BEGIN UPDATE auth_users SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id; END;
CREATE TRIGGER auth_sessions_updated_at AFTER UPDATE ON auth_sessions FOR EACH ROW WHEN NEW.updated_at IS OLD.updated_at
BEGIN UPDATE auth_sessions SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id; END;
CREATE TRIGGER auth_refresh_tokens_updated_at AFTER UPDATE ON auth_refresh_tokens FOR EACH ROW WHEN NEW.updated_at IS OLD.updated_at
BEGIN UPDATE auth_refresh_tokens SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id; END;
CREATE TRIGGER profiles_updated_at AFTER UPDATE ON profiles FOR EACH ROW WHEN NEW.updated_at IS OLD.updated_at
BEGIN UPDATE profiles SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id; END;
CREATE TRIGGER artists_updated_at AFTER UPDATE ON artists FOR EACH ROW WHEN NEW.updated_at IS OLD.updated_at
BEGIN UPDATE artists SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id; END;
CREATE TRIGGER projects_updated_at AFTER UPDATE ON projects FOR EACH ROW WHEN NEW.updated_at IS OLD.updated_at
BEGIN UPDATE projects SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id; END;
CREATE TRIGGER tracks_updated_at AFTER UPDATE ON tracks FOR EACH ROW WHEN NEW.updated_at IS OLD.updated_at
BEGIN UPDATE tracks SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id; END;
CREATE TRIGGER ai_generations_updated_at AFTER UPDATE ON ai_generations FOR EACH ROW WHEN NEW.updated_at IS OLD.updated_at
BEGIN UPDATE ai_generations SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id; END;
CREATE TRIGGER storage_buckets_updated_at AFTER UPDATE ON storage_buckets FOR EACH ROW WHEN NEW.updated_at IS OLD.updated_at
BEGIN UPDATE storage_buckets SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id; END;
CREATE TRIGGER storage_objects_updated_at AFTER UPDATE ON storage_objects FOR EACH ROW WHEN NEW.updated_at IS OLD.updated_at
BEGIN UPDATE storage_objects SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id; END;
CREATE TRIGGER storage_usage_updated_at AFTER UPDATE ON storage_usage FOR EACH ROW WHEN NEW.updated_at IS OLD.updated_at
BEGIN UPDATE storage_usage SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE user_id = NEW.user_id; END;
