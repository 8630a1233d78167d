package auth

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"tunebase/internal/apierr"
	"tunebase/internal/httpx"
)

// Request parsing and checks of the admin user API (admin.go).

// adminUserRequest is the body of createUser and updateUserById.
type adminUserRequest struct {
	Email        string         `json:"email"`
	Phone        string         `json:"phone"`
	Password     *string        `json:"password"`
	EmailConfirm bool           `json:"email_confirm"`
	UserMetadata map[string]any `json:"user_metadata"`
	AppMetadata  map[string]any `json:"app_metadata"`
	BanDuration  string         `json:"ban_duration"`
}

// checkAdminUser validates req, normalising its email, and returns the profile
// fields of its user_metadata. On create the email is required; on update
// an empty email changes nothing, as in GoTrue.
func (s *Service) checkAdminUser(req *adminUserRequest, create bool) (map[string]any, error) {
	if req.Phone != "" {
		return nil, errPhoneDisabled
	}
	req.Email = normalizeEmail(req.Email)
	if create || req.Email != "" {
		if err := s.checkEmail(req.Email); err != nil {
			return nil, err
		}
	}
	if req.Password != nil && (!create || *req.Password != "") {
		if err := s.checkPassword(*req.Password); err != nil {
			return nil, err
		}
	}
	if req.BanDuration != "" && req.BanDuration != "none" {
		return nil, errBanUnsupported
	}
	if err := checkMetadata("user_metadata", req.UserMetadata); err != nil {
		return nil, err
	}
	if err := checkMetadata("app_metadata", req.AppMetadata); err != nil {
		return nil, err
	}
	return profileFields("user_metadata", req.UserMetadata)
}

// userIDParam is the canonical form of the {id} path segment.
func userIDParam(r *http.Request) (string, error) {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		return "", invalidField("user_id", "must be a UUID")
	}
	return id.String(), nil
}

// pageParam reads a positive page number or size; absent or empty is def.
// Page 0 is page 1, as in GoTrue.
func pageParam(q url.Values, name string, def uint64) (uint64, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil {
		return 0, invalidField(name, "must be a non-negative integer")
	}
	if n == 0 {
		if name == "per_page" {
			return 0, invalidField(name, "must be greater than 0")
		}
		n = 1
	}
	return n, nil
}

// paginationLinks is GoTrue's Link header: the next page, if any, then the
// last, each the request URL with page replaced.
func paginationLinks(u *url.URL, page, perPage, total uint64) string {
	last := (total + perPage - 1) / perPage
	q := u.Query()
	link := func(n uint64, rel string) string {
		q.Set("page", strconv.FormatUint(n, 10))
		target := url.URL{Path: u.Path, RawQuery: q.Encode()}
		return "<" + target.String() + `>; rel="` + rel + `"`
	}
	var links []string
	if last > page {
		links = append(links, link(page+1, "next"))
	}
	links = append(links, link(last, "last"))
	return strings.Join(links, ", ")
}

// maxOptionalBody bounds the small bodies decodeOptionalJSON reads.
const maxOptionalBody = 64 << 10

// decodeOptionalJSON is httpx.DecodeJSON for a body that may be absent.
func decodeOptionalJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxOptionalBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return apierr.Newf(http.StatusRequestEntityTooLarge, apierr.RequestTooLarge, "the request body is larger than %d bytes", maxOptionalBody)
		}
		return err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	return httpx.DecodeJSON(w, r, maxOptionalBody, dst)
}
