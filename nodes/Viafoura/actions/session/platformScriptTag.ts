/** Attribute values are escaped so that any user ID or session text stays inside its quotes. */
function escapeAttribute(value: string): string {
	return value
		.replace(/&/g, '&amp;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&#39;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;');
}

/**
 * The Viafoura platform script tag, exactly as Viafoura documents it, for the logged-in reader: the
 * page that includes it shows Viafoura signed in as that reader.
 */
export function platformScriptTag(userId: string, session: string): string {
	return [
		`<script id="viafoura-platform" data-uid="${escapeAttribute(userId)}" data-sid="${escapeAttribute(session)}">`,
		"(function(v,s){v.type='text/javascript';v.async=!0;",
		"v.src='//cdn.viafoura.net/vf.js';;",
		's.parentNode.insertBefore(v,s)}',
		"(document.createElement('script'),document.getElementsByTagName('script')[0]));</script>",
	].join('\n');
}
