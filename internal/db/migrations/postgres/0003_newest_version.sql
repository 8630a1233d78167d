-- A track's audio_url, duration and waveform_data are those of its newest
-- version (SPEC, data model): kept so by the database whoever writes the
-- versions. When a track has no version left, its own values stay.
CREATE FUNCTION tunebase_track_from_newest_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  tid uuid;
BEGIN
  IF TG_OP = 'DELETE' THEN
    tid := OLD.track_id;
  ELSE
    tid := NEW.track_id;
  END IF;
  UPDATE tracks AS t
     SET audio_url = v.audio_url, duration = v.duration, waveform_data = v.waveform_data
    FROM (SELECT audio_url, duration, waveform_data FROM track_versions
           WHERE track_id = tid ORDER BY version_number DESC LIMIT 1) AS v
   WHERE t.id = tid;
  IF TG_OP = 'UPDATE' AND OLD.track_id IS DISTINCT FROM NEW.track_id THEN
    UPDATE tracks AS t
       SET audio_url = v.audio_url, duration = v.duration, waveform_data = v.waveform_data
      FROM (SELECT audio_url, duration, waveform_data FROM track_versions
             WHERE track_id = OLD.track_id ORDER BY version_number DESC LIMIT 1) AS v
     WHERE t.id = OLD.track_id;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER track_versions_newest AFTER INSERT OR UPDATE OR DELETE ON track_versions
  FOR EACH ROW EXECUTE FUNCTION tunebase_track_from_newest_version();
