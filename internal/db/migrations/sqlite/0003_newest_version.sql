-- A track's audio_url, duration and waveform_data are those of its newest
-- version (see the PostgreSQL side).
CREATE TRIGGER track_versions_newest_insert AFTER INSERT ON track_versions
BEGIN
  UPDATE tracks SET audio_url = (SELECT audio_url FROM track_versions WHERE track_id = NEW.track_id ORDER BY version_number DESC LIMIT 1),
    duration = (SELECT duration FROM track_versions WHERE track_id = NEW.track_id ORDER BY version_number DESC LIMIT 1),
    waveform_data = (SELECT waveform_data FROM track_versions WHERE track_id = NEW.track_id ORDER BY version_number DESC LIMIT 1)
  WHERE id = NEW.track_id AND EXISTS (SELECT 1 FROM track_versions WHERE track_id = NEW.track_id);
END;
CREATE TRIGGER track_versions_newest_update AFTER UPDATE ON track_versions
BEGIN
  UPDATE tracks SET audio_url = (SELECT audio_url FROM track_versions WHERE track_id = NEW.track_id ORDER BY version_number DESC LIMIT 1),
    duration = (SELECT duration FROM track_versions WHERE track_id = NEW.track_id ORDER BY version_number DESC LIMIT 1),
    waveform_data = (SELECT waveform_data FROM track_versions WHERE track_id = NEW.track_id ORDER BY version_number DESC LIMIT 1)
  WHERE id = NEW.track_id AND EXISTS (SELECT 1 FROM track_versions WHERE track_id = NEW.track_id);
  UPDATE tracks SET audio_url = (SELECT audio_url FROM track_versions WHERE track_id = OLD.track_id ORDER BY version_number DESC LIMIT 1),
    duration = (SELECT duration FROM track_versions WHERE track_id = OLD.track_id ORDER BY version_number DESC LIMIT 1),
    waveform_data = (SELECT waveform_data FROM track_versions WHERE track_id = OLD.track_id ORDER BY version_number DESC LIMIT 1)
  WHERE id = OLD.track_id AND EXISTS (SELECT 1 FROM track_versions WHERE track_id = OLD.track_id);
END;
CREATE TRIGGER track_versions_newest_delete AFTER DELETE ON track_versions
BEGIN
  UPDATE tracks SET audio_url = (SELECT audio_url FROM track_versions WHERE track_id = OLD.track_id ORDER BY version_number DESC LIMIT 1),
    duration = (SELECT duration FROM track_versions WHERE track_id = OLD.track_id ORDER BY version_number DESC LIMIT 1),
    waveform_data = (SELECT waveform_data FROM track_versions WHERE track_id = OLD.track_id ORDER BY version_number DESC LIMIT 1)
  WHERE id = OLD.track_id AND EXISTS (SELECT 1 FROM track_versions WHERE track_id = OLD.track_id);
END;
