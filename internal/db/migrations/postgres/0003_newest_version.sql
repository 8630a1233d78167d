-- A track's audio_url, duration and waveform_data are those of its newest
-- version (SPEC, data model): kept so by the database whoever writes the
-- versions. When a track has no version left, its own values stay.
CREATE FUNCTION tunebase_track_from_newest_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  tid uuid;
BEGIN
  -- The track of the row, and on a move the track it left (OLD and NEW are
  -- NULL where the operation has none).
  FOR tid IN SELECT DISTINCT x FROM unnest(ARRAY[OLD.track_id, NEW.track_id]) AS x WHERE x IS NOT NULL LOOP
    UPDATE tracks AS t
       SET audio_url = v.audio_url, duration = v.duration, waveform_data = v.waveform_data
      FROM (SELECT audio_url, duration, waveform_data FROM track_versions
             WHERE track_id = tid ORDER BY version_number DESC LIMIT 1) AS v
     WHERE t.id = tid;
  END LOOP;
  RETURN NULL;
END $$;

CREATE TRIGGER track_versions_newest AFTER INSERT OR UPDATE OR DELETE ON track_versions
  FOR EACH ROW EXECUTE FUNCTION tunebase_track_from_newest_version();
