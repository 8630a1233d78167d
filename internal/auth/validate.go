package auth

import (
	"encoding/json"
	"net/mail"
	"unicode/utf8"
)

// Input bounds.
const (
	maxEmailLength       = 255
	maxPasswordBytes     = 72 // bcrypt ignores what follows
	maxDisplayNameLength = 100
	maxAvatarURLLength   = 2048
	maxMetadataBytes     = 16 << 10
)

// validEmail reports whether e (already normalised) is a bare address.
func validEmail(e string) bool {
	if e == "" || len(e) > maxEmailLength {
		return false
	}
	a, err := mail.ParseAddress(e)
	return err == nil && a.Address == e && a.Name == ""
}

func (s *Service) checkPassword(pw string) error {
	if pw == "" {
		return requiredField("password")
	}
	if utf8.RuneCountInString(pw) < s.cfg.PasswordMinLength {
		return weakPassword(s.cfg.PasswordMinLength)
	}
	if len(pw) > maxPasswordBytes {
		return tooLong("password", maxPasswordBytes)
	}
	return nil
}

func (s *Service) checkEmail(e string) error {
	if e == "" {
		return requiredField("email")
	}
	if len(e) > maxEmailLength {
		return tooLong("email", maxEmailLength)
	}
	if !validEmail(e) {
		return invalidField("email", "Unable to validate email address: invalid format")
	}
	return nil
}

// checkMetadata bounds the JSON size of a metadata object; name is the
// request field it came in.
func checkMetadata(name string, m map[string]any) error {
	if b, _ := json.Marshal(m); len(b) > maxMetadataBytes {
		return tooLong(name, maxMetadataBytes)
	}
	return nil
}

// profileFields reads display_name and avatar_url out of user metadata
// (the request field name, for errors), checking their types and lengths.
// The keys of fields tell which were given.
func profileFields(name string, data map[string]any) (fields map[string]any, err error) {
	fields = map[string]any{}
	for key, max := range map[string]int{"display_name": maxDisplayNameLength, "avatar_url": maxAvatarURLLength} {
		v, ok := data[key]
		if !ok {
			continue
		}
		switch x := v.(type) {
		case nil:
			fields[key] = nil
		case string:
			if utf8.RuneCountInString(x) > max {
				return nil, tooLong(name+"."+key, max)
			}
			fields[key] = x
		default:
			return nil, invalidField(name+"."+key, "must be a string")
		}
	}
	return fields, nil
}
