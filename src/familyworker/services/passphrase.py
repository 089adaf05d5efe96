"""How strong a new passphrase looks, in words a person can act on."""

from dataclasses import dataclass

from familyworker.store.caseload_store import MIN_PASSPHRASE_LENGTH

STRENGTH_LABELS = ("Too short", "Weak", "Fair", "Good", "Strong")


@dataclass(frozen=True, slots=True)
class PassphraseStrength:
    score: int  # 0–4; 0 means the store will refuse it
    label: str
    advice: str

    @property
    def acceptable(self) -> bool:
        return self.score > 0


def passphrase_strength(text: str) -> PassphraseStrength:
    """A rough estimate: length counts most, then separate words and a mix of characters."""
    if len(text) < MIN_PASSPHRASE_LENGTH:
        return PassphraseStrength(0, STRENGTH_LABELS[0],
                                  f"Use at least {MIN_PASSPHRASE_LENGTH} characters.")
    words = len([w for w in text.split() if w])
    classes = sum((any(c.islower() for c in text), any(c.isupper() for c in text),
                   any(c.isdigit() for c in text), any(not c.isalnum() for c in text)))
    score = 1
    if len(text) >= 16 or (words >= 3 and len(text) >= 14):
        score += 1
    if len(text) >= 20 or words >= 4:
        score += 1
    if classes >= 2 and len(set(text)) >= 8:
        score += 1
    score = min(score, 4)
    advice = ("Good choice." if score >= 3
              else "Longer is stronger: three or four unrelated words work well.")
    return PassphraseStrength(score, STRENGTH_LABELS[score], advice)
